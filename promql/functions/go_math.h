// Elementary functions computed the way Go's math package computes them on
// amd64 -- same algorithms, coefficients and operation order -- so that
// PromQL math agrees with Prometheus to the last bit. (The C library's
// functions are often more accurate, i.e. different.) Internal to
// promql/functions/.
//
// Sources of the methods: fdlibm (log, log1p, asinh, acosh, atanh), Cephes
// (sin, cos, tan, atan, tanh), Hart & Cheney (sinh), and for exp the
// SLEEF-derived method of Go's amd64 assembly, including its fused
// multiply-add variant, chosen like Go by the CPU's FMA and AVX2 support.
//
// Known difference: Go reduces trig arguments >= 2^29 with Payne-Hanek; here
// such arguments go to the C library.
#pragma once

namespace pharos::promql::internal {

double GoExp(double x);
double GoLog(double x);
double GoLog1p(double x);
double GoSin(double x);
double GoCos(double x);
double GoTan(double x);
double GoAtan(double x);
double GoAsin(double x);
double GoAcos(double x);
double GoSinh(double x);
double GoCosh(double x);
double GoTanh(double x);
double GoAsinh(double x);
double GoAcosh(double x);
double GoAtanh(double x);

}  // namespace pharos::promql::internal
