# syntax=docker/dockerfile:1
# Tempo, Loki and the collector ship distroless images with no shell or HTTP client, so a Compose
# health check has nothing to run. This adds one static busybox binary (wget) and nothing else.
ARG BASE_IMAGE
FROM busybox:1.37.0-musl AS probe

FROM ${BASE_IMAGE}
COPY --from=probe /bin/busybox /usr/local/bin/busybox
