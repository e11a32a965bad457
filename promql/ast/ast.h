// Every AST node, for code that walks whole trees.
#pragma once

#include "promql/ast/aggregate_expr.h"
#include "promql/ast/binary_expr.h"
#include "promql/ast/call.h"
#include "promql/ast/matrix_selector.h"
#include "promql/ast/node.h"
#include "promql/ast/number_literal.h"
#include "promql/ast/paren_expr.h"
#include "promql/ast/string_literal.h"
#include "promql/ast/subquery_expr.h"
#include "promql/ast/unary_expr.h"
#include "promql/ast/vector_selector.h"
