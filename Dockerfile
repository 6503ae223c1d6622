# The ingestor image of the Docker stack (docker/compose.yaml): build, then a small
# runtime with only the binary, running as a non-root user.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin logagg

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/logagg --create-home logagg
COPY --from=build /src/target/release/logagg /usr/local/bin/logagg
USER logagg
ENV LOGAGG_DATA_DIR=/var/lib/logagg
ENTRYPOINT ["logagg"]
