# syntax=docker/dockerfile:1
#
# Production images for doithoai.
#
# One Dockerfile, two final stages — pick one with --target:
#
#   docker build --target api    -t doithoai-api    .   # HTTP API (Gin) on :8080
#   docker build --target worker -t doithoai-worker .   # Temporal worker
#
# docker-compose.yml selects the stage with `build.target`. Without --target
# Docker builds the last stage, which is `api`.
#
# Both binaries are built in one builder stage (static, CGO_ENABLED=0,
# -trimpath), so building the second image reuses the first build. The
# production binaries never link the Temporal server (only ./cmd/dev does,
# and it is not built here).
#
# Configuration is environment only (see README / docker-compose.yml):
# DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE,
# HTTP_ADDR, LOG_LEVEL, LOG_FORMAT, MIGRATE_ON_START.

ARG GO_VERSION=1.26
ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot

############################
# Builder
############################
FROM golang:${GO_VERSION} AS build

WORKDIR /src

# The official golang image already sets GOTOOLCHAIN=local; keep it explicit
# so a go.mod newer than the image fails loudly instead of downloading a
# toolchain. -buildvcs=false: the build context may or may not carry .git.
ENV CGO_ENABLED=0 \
    GOTOOLCHAIN=local \
    GOFLAGS=-buildvcs=false

# No separate `go mod download` layer: it would fetch the whole module graph
# (including the Temporal server that only ./cmd/dev links). `go build`
# fetches just what the two binaries need, into a BuildKit cache mount that
# survives between builds.
COPY . .

ARG TARGETOS
ARG TARGETARCH
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH:-amd64} \
    go build -trimpath -ldflags="-s -w" -o /out/api ./cmd/api && \
    GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH:-amd64} \
    go build -trimpath -ldflags="-s -w" -o /out/worker ./cmd/worker

############################
# Temporal worker
############################
FROM ${RUNTIME_IMAGE} AS worker

COPY --from=build /out/worker /usr/local/bin/doithoai-worker

# distroless "nonroot" user (uid/gid 65532).
USER 65532:65532
ENV LOG_FORMAT=json

ENTRYPOINT ["/usr/local/bin/doithoai-worker"]

############################
# HTTP API (default stage: keep it last)
############################
FROM ${RUNTIME_IMAGE} AS api

COPY --from=build /out/api /usr/local/bin/doithoai-api

# distroless "nonroot" user (uid/gid 65532).
USER 65532:65532
ENV HTTP_ADDR=:8080 \
    LOG_FORMAT=json

EXPOSE 8080

ENTRYPOINT ["/usr/local/bin/doithoai-api"]
