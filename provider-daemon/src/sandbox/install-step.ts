/**
 * Where a job's dependency wheels are installed: a tmpfs of its own, mounted only for a job
 * that carries wheels. Unlike /tmp it allows exec, because a native extension (`.so`) is
 * mapped executable when it is imported and a noexec mount refuses that.
 */
export const DEPS_BASE = '/orange-deps';
/** Where the payload's wheels are unpacked, relative to the job folder (see WHEELS_DIR). */
export const WHEELS_SUBDIR = '.orange/wheels';

/**
 * Python defining `install_dependencies(root, base)`, run by the bootstrap after the job's
 * files are unpacked and before the entry starts (base: DEPS_BASE). It installs every wheel
 * under `root/.orange/wheels` into the user site-packages of `base`, removes `root/.orange`,
 * and points PYTHONUSERBASE there, so the job's interpreter puts the packages on sys.path
 * ahead of the image's own and processes their `.pth` files, as `pip install --user` would.
 * It returns the install time in milliseconds, or None when there was nothing to install.
 *
 * Why not pip: it needs no pip in the image, it runs nothing from a wheel (wheels have no
 * install scripts; `.pth` files only take effect in the job's own interpreter, which runs
 * with the job's limits anyway), and it refuses what pip would also refuse: a member whose
 * name escapes the site folder, a link, a wheel that is not a zip or has no single
 * `.dist-info/WHEEL` of version 1. What it does not do, on purpose: console scripts,
 * headers and `.data/data` files are left out (a job imports packages; nothing runs their
 * scripts), and RECORD hashes are not checked (the payload is sealed and authenticated as a
 * whole, so a wheel arrives as the requester's pip fetched it).
 *
 * A failure raises InstallFailed(wheel, reason); the bootstrap reports it on stderr and the
 * entry does not run.
 */
export const INSTALL_STEP = `
class InstallFailed(Exception):
    def __init__(self, wheel, reason):
        Exception.__init__(self, "%s: %s" % (wheel, reason))
        self.wheel, self.reason = wheel, reason

def install_dependencies(root, base):
    import os, shutil, stat, sys, time, zipfile
    wheels = os.path.join(root, ${JSON.stringify(WHEELS_SUBDIR)})
    if not os.path.isdir(wheels):
        return None
    started = time.monotonic()
    site = os.path.join(base, "lib", "python%d.%d" % sys.version_info[:2], "site-packages")
    os.makedirs(site, mode=0o755, exist_ok=True)

    def target_of(name, data_dir):
        parts = name.split("/")
        if (name.startswith("/") or "\\\\" in name or any(p in ("", ".", "..") for p in parts)
                or any(ord(c) < 0x20 or ord(c) == 0x7f for c in name)):
            raise ValueError("member %r would be installed outside the site folder" % name)
        if parts[0] == data_dir:
            # purelib and platlib go to site-packages; scripts, headers and data are not installed
            if len(parts) < 3 or parts[1] not in ("purelib", "platlib"):
                return None
            parts = parts[2:]
        return os.path.join(site, *parts)

    def install(path):
        with zipfile.ZipFile(path) as wheel:
            infos = wheel.infolist()
            metas = [i.filename for i in infos if i.filename.count("/") == 1 and i.filename.endswith(".dist-info/WHEEL")]
            if len(metas) != 1:
                raise ValueError("has no single .dist-info/WHEEL")
            version = [l for l in wheel.read(metas[0]).decode("utf-8", "replace").splitlines() if l.startswith("Wheel-Version:")]
            if len(version) != 1 or not version[0].split(":", 1)[1].strip().startswith("1."):
                raise ValueError("is not a version 1 wheel")
            data_dir = metas[0].split("/")[0][: -len(".dist-info")] + ".data"
            for info in infos:
                if info.filename.endswith("/"):
                    target_of(info.filename.rstrip("/"), data_dir)
                    continue
                if stat.S_ISLNK(info.external_attr >> 16):
                    raise ValueError("member %r is a symbolic link" % info.filename)
                target = target_of(info.filename, data_dir)
                if target is None:
                    continue
                os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
                mode = 0o755 if (info.external_attr >> 16) & 0o111 else 0o644
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, mode)
                with wheel.open(info) as source, os.fdopen(fd, "wb") as out:
                    shutil.copyfileobj(source, out, 1 << 20)

    for name in sorted(os.listdir(wheels)):
        try:
            install(os.path.join(wheels, name))
        except (OSError, ValueError, RuntimeError, EOFError, zipfile.BadZipFile, NotImplementedError) as error:
            raise InstallFailed(name, str(error) or type(error).__name__)
    shutil.rmtree(os.path.join(root, ".orange"))
    os.environ["PYTHONUSERBASE"] = base
    return int((time.monotonic() - started) * 1000)
`;
