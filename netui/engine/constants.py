"""Names netui reads in labels and gives its own containers."""

from __future__ import annotations

BUILTIN_NETWORKS = ("bridge", "host", "none")
COMPOSE_PROJECT = "com.docker.compose.project"
COMPOSE_NETWORK = "com.docker.compose.network"
COMPOSE_SERVICE = "com.docker.compose.service"
NETUI_LABEL = "netui.managed"
# netui's own short-lived probe containers carry this label *and* this name prefix.
PROBE_LABEL = "netui.probe"
PROBE_PREFIX = "netui-probe-"
# A probe container is `sleep SIDECAR_LIFETIME` with auto-remove: it ends and goes away on
# its own even when netui is killed (-9, a closed terminal). netui never starts a command
# in one that would outlive it: it replaces the container first.
SIDECAR_LIFETIME = 60
# Older than this, a probe container belongs to no netui still running: a start sweeps it.
PROBE_MAX_AGE = SIDECAR_LIFETIME + 30
