/**
 * The Python the daemon runs once per runtime image at start, in the job sandbox (no network,
 * read-only root): it prints one JSON line with the Python version, the platform, the C library
 * and every installed distribution with its version and top-level import names. Import names
 * come from top_level.txt, else from the distribution's file list (RECORD), else from its name.
 * It uses only the standard library of Python 3.8+ (importlib.metadata), never `packaging`.
 */
export const PROBE_SCRIPT = String.raw`
import importlib.metadata as md, json, platform, sysconfig

def imports(dist):
    top = dist.read_text("top_level.txt")
    if top:
        return sorted({line.strip() for line in top.splitlines() if line.strip()})
    names = set()
    for f in dist.files or []:
        parts = f.parts
        if not parts or parts[0] in ("..", "__pycache__") or parts[0].endswith((".dist-info", ".egg-info", ".data")):
            continue
        head = parts[0]
        if len(parts) == 1:
            if head.endswith(".py"):
                names.add(head[:-3])
            elif head.endswith(".so"):
                names.add(head.split(".")[0])
        else:
            names.add(head)
    return sorted(names)

packages = []
for dist in md.distributions():
    name = dist.metadata["Name"]
    if name:
        packages.append({"name": name, "version": dist.version, "imports": imports(dist)})
libc, libc_version = platform.libc_ver()
print(json.dumps({
    "python": platform.python_version(),
    "platform": sysconfig.get_platform(),
    "libc": f"{libc}-{libc_version}" if libc and libc_version else None,
    "packages": packages,
}))
`;
