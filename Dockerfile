# syntax=docker/dockerfile:1
#
# AutoSpot Secure reference server: multi-stage build of a static binary
# into a distroless image that runs as a non-root user.
#
#   docker build -t autospot:dev --build-arg VERSION=$(git describe --always) .
#
# Checked (not built: no Docker engine in CI) by internal/deploytest.

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
# Module downloads first, so they are cached across source changes.
COPY go.mod go.sum ./
RUN go mod download && go mod verify
COPY . .
ARG VERSION=dev
# Static (no cgo), reproducible paths, no symbol table.
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION}" \
      -o /out/autospot ./cmd/autospot \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot AS production
# distroless "nonroot" is uid/gid 65532; nothing in the image runs as root.
COPY --from=build /out/autospot /usr/local/bin/autospot
COPY --from=build --chown=65532:65532 /out/data /data
WORKDIR /data
USER 65532:65532
ENV ENV=production \
    AUTOSPOT_ADDR=:8000 \
    AUTOSPOT_DATA_DIR=/data
EXPOSE 8000
# `autospot healthcheck` GETs /api/health on AUTOSPOT_ADDR: no curl or
# shell is needed in the image.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
    CMD ["/usr/local/bin/autospot", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/autospot"]
CMD ["serve"]
