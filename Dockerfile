# Pharos in a container.
#
#   docker build -t pharos .
#   docker run -p 9090:9090 -v pharos-data:/data pharos
#
# The build stage does what a developer machine does: scripts/install-deps.sh
# installs the toolchain and libraries, `make build` configures and compiles
# (tests off). The runtime stage carries the binary, the shared libraries it
# loads and the example configuration. Keep the package lists in step with
# scripts/install-deps.sh.

FROM debian:12 AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN make build CMAKE_FLAGS="-DPHAROS_BUILD_TESTS=OFF" JOBS="$(nproc)" \
    && strip --strip-debug build/pharos

FROM debian:12-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
         librocksdb7.8 libre2-9 libyaml-cpp0.7 libprotobuf32 libsnappy1v5 \
         libboost-json1.81.0 libboost-url1.81.0 zlib1g libbz2-1.0 liblz4-1 libzstd1 libssl3 \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system pharos \
    && useradd --system --gid pharos --home-dir /data --no-create-home \
         --shell /usr/sbin/nologin pharos \
    && mkdir -p /data /etc/pharos \
    && chown pharos:pharos /data
COPY --from=build /src/build/pharos /bin/pharos
COPY configs/pharos.yml /etc/pharos/pharos.yml

USER pharos
WORKDIR /data
VOLUME /data
EXPOSE 9090
# Further flags can follow the image name in `docker run`; a flag given twice
# keeps its last value.
ENTRYPOINT ["/bin/pharos", "--config.file=/etc/pharos/pharos.yml", \
            "--storage.tsdb.path=/data", "--web.listen-address=0.0.0.0:9090"]
