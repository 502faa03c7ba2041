"""A tiny local image for demos, probes and tests, made without any registry.

`docker import` of a rootfs holding a static /bin/busybox and its applet links.
The tar is built in memory and sent through the API, so this also works with a
remote engine of the same architecture. Idempotent: an existing tag is kept.
"""

from __future__ import annotations

import io
import os
import platform
import re
import shutil
import struct
import tarfile
import time

from netui.engine.client import Engine, EngineError, NotFound

LOCAL_IMAGE = "netui/busybox:local"
APPLETS = (
    "sh", "ping", "ping6", "nslookup", "wget", "nc", "httpd", "sleep", "ip", "cat", "echo",
    "ls", "ps", "hostname", "ifconfig", "route", "traceroute", "timeout", "true", "false",
    "env", "grep", "head", "tail", "printf", "kill", "date", "id", "mkdir", "rm",
)
IMAGE_LABEL = "netui.image=busybox"
_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64", "armv7l": "arm", "i686": "386"}


# The reference grammar of distribution/reference (what `docker run` accepts).
_DOMAIN_PART = r"(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])"
_DOMAIN = rf"{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*(?::[0-9]+)?"
_PATH_PART = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_NAME_RE = re.compile(rf"(?:{_DOMAIN}/)?{_PATH_PART}(?:/{_PATH_PART})*")
_TAG_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_DIGEST_RE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}")
_ID_RE = re.compile(r"(?:sha256:)?[0-9a-f]{64}")


def split_reference(ref: str) -> tuple[str, str]:
    """(repository, tag or digest) of an image reference; the tag defaults to latest.

    `localhost:5000/tools/busybox` is the repository `localhost:5000/tools/busybox`
    with the tag latest: a colon before the last slash is a registry's port."""
    from docker.utils import parse_repository_tag

    repo, tag = parse_repository_tag(ref.strip())
    return repo, tag or "latest"


def reference_problem(ref: str) -> str:
    """Why `ref` is not an image reference docker would accept, or ''."""
    ref = ref.strip()
    if not ref:
        return "an image is required, e.g. " + LOCAL_IMAGE
    if any(ch.isspace() for ch in ref):
        return f"an image reference has no spaces, e.g. {LOCAL_IMAGE}"
    if _ID_RE.fullmatch(ref):
        return ""
    from docker.utils import parse_repository_tag

    repo, tag = parse_repository_tag(ref)
    if "@" in ref:
        if not _DIGEST_RE.fullmatch(tag or ""):
            return f"{tag!r} is not a digest (algorithm:hex, e.g. sha256:<64 hex digits>)"
        repo, tag = parse_repository_tag(repo)  # name:tag@digest
    if tag is not None and not _TAG_RE.fullmatch(tag):
        return f"the tag {tag!r} may hold letters, digits and _ . - (at most 128, not starting with . or -)"
    if len(repo) > 255:
        return f"the image name is {len(repo)} characters long; at most 255"
    if not _NAME_RE.fullmatch(repo):
        path = repo.split("/", 1)[1] if "/" in repo and re.match(_DOMAIN + "/", repo) else repo
        if path != path.lower() and _NAME_RE.fullmatch(repo.lower()):
            return f"repository names are lowercase: {repo.lower()}"
        return (f"{repo!r} is not an image name: [registry[:port]/]path with lowercase letters, digits "
                "and . _ - between them, e.g. netui/busybox:local or localhost:5000/tools/busybox")
    return ""


def find_static_busybox() -> str | None:
    """A statically linked busybox on this machine ($NETUI_BUSYBOX first)."""
    candidates = [os.environ.get("NETUI_BUSYBOX", ""), "/bin/busybox", "/usr/bin/busybox", shutil.which("busybox") or ""]
    for path in candidates:
        if path and os.path.isfile(path) and is_static_elf(path):
            return path
    return None


def is_static_elf(path: str) -> bool:
    """True for an ELF executable without a program interpreter (no dynamic loader)."""
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if len(head) < 64 or head[:4] != b"\x7fELF":
                return False
            is64, little = head[4] == 2, head[5] == 1
            end = "<" if little else ">"
            if is64:
                phoff = struct.unpack(end + "Q", head[0x20:0x28])[0]
                phentsize, phnum = struct.unpack(end + "HH", head[0x36:0x3A])
            else:
                phoff = struct.unpack(end + "I", head[0x1C:0x20])[0]
                phentsize, phnum = struct.unpack(end + "HH", head[0x2A:0x2E])
            for i in range(phnum):
                f.seek(phoff + i * phentsize)
                (p_type,) = struct.unpack(end + "I", f.read(4))
                if p_type == 3:  # PT_INTERP
                    return False
            return True
    except (OSError, struct.error):
        return False


def rootfs_tar(busybox: str, applets: tuple[str, ...] = APPLETS) -> bytes:
    buf = io.BytesIO()
    now = int(time.time())
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for d in ("bin", "etc", "tmp", "var", "var/www", "proc", "sys", "dev"):
            info = tarfile.TarInfo(d)
            info.type = tarfile.DIRTYPE
            info.mode = 0o1777 if d == "tmp" else 0o755
            info.mtime = now
            tar.addfile(info)
        with open(busybox, "rb") as f:
            data = f.read()
        info = tarfile.TarInfo("bin/busybox")
        info.size = len(data)
        info.mode = 0o755
        info.mtime = now
        tar.addfile(info, io.BytesIO(data))
        for name in applets:
            link = tarfile.TarInfo(f"bin/{name}")
            link.type = tarfile.SYMTYPE
            link.linkname = "busybox"
            link.mtime = now
            tar.addfile(link)
        for path, text in (
            ("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"),
            ("etc/group", "root:x:0:\nnogroup:x:65534:\n"),
            ("var/www/index.html", "<h1>served by netui's busybox httpd</h1>\n"),
        ):
            raw = text.encode()
            info = tarfile.TarInfo(path)
            info.size = len(raw)
            info.mode = 0o644
            info.mtime = now
            tar.addfile(info, io.BytesIO(raw))
    return buf.getvalue()


def image_exists(engine: Engine, tag: str) -> bool:
    try:
        engine.call(engine.api.inspect_image, tag)
        return True
    except NotFound:
        return False


def ensure_local_image(engine: Engine, tag: str = LOCAL_IMAGE, applets: tuple[str, ...] = APPLETS) -> bool:
    """Make sure `tag` exists; build it from the host's static busybox if not.

    Returns True when the image was built now. Raises EngineError with a
    one-line reason when it cannot be built.
    """
    if image_exists(engine, tag):
        return False
    busybox = find_static_busybox()
    if busybox is None:
        raise EngineError(
            f"cannot build {tag}: no statically linked busybox on this machine "
            "(install busybox-static, or set NETUI_BUSYBOX to one)"
        )
    host_arch = _ARCH.get(platform.machine(), platform.machine())
    engine_arch = _ARCH.get(engine.info.arch, engine.info.arch)
    if engine_arch and host_arch != engine_arch:
        raise EngineError(f"cannot build {tag}: this machine's busybox is {host_arch}, the engine runs {engine_arch}")
    # The reference whole in "repo", as the docker CLI sends it: Podman's compat API
    # ignores a separate "tag" (the image would be tagged :latest).
    engine.call(
        engine.api.import_image_from_data,
        rootfs_tar(busybox, applets),
        repository=tag,
        changes=['CMD ["/bin/sh"]', "ENV PATH=/bin", f"LABEL {IMAGE_LABEL}"],
    )
    if not image_exists(engine, tag):
        raise EngineError(f"the engine accepted the import of {tag} but does not list it")
    return True
