import {
  INSTALL_SCRIPTS_ALLOWED,
  MAX_NODE_MODULES_FILES,
  NODE_MODULES_ARCHIVE,
  NPM_DIR,
} from '@orange-cloud/sdk';

/**
 * Python defining `install_node_modules(root, base)`, run by the bootstrap after the job's
 * files are unpacked and before the entry starts (base: DEPS_BASE, the exec-allowed tmpfs,
 * because a native addon's `.node` file is mapped executable when it is loaded). It installs
 * the prepared npm tree the requester packed (`root/.orange/npm/node_modules.tar`), offline:
 *
 * 1. unpacks it into `base/node_modules`: regular files only, every name re-checked (no
 *    absolute path, no `.`/`..`/empty segment, no control character or backslash), at most
 *    MAX_NODE_MODULES_FILES files, nothing existing followed or overwritten (`O_EXCL`,
 *    `O_NOFOLLOW`); the tmpfs's size bounds the bytes;
 * 2. links `root/node_modules` to it, so both `require` and `import` find the packages from
 *    the job's files as they do on the requester's machine (ESM ignores NODE_PATH);
 * 3. only when the requester allowed it (`root/.orange/npm/allow-install-scripts`), runs the
 *    tree's install scripts as npm would (preinstall, install, postinstall of each package,
 *    dependencies first; a `binding.gyp` alone means `node-gyp rebuild`) with `/bin/sh -c`
 *    in the package's folder: same uid, limits and container as the job (no network,
 *    read-only root), stdin on /dev/null and stdout sent to stderr so the job's own stdout is
 *    only its own. Without the allowance no script ever runs.
 *
 * It then removes `root/.orange/npm` (and `root/.orange` when nothing else is left in it) and
 * returns the install time in milliseconds, or None when the job carries no tree. After each
 * script, `kill_others()` (the bootstrap's: SIGKILL to every other process of the container)
 * ends whatever it left running and the bootstrap reaps it, so nothing a script started
 * outlives it, in particular nothing meets the next child before its exec. A failure
 * raises InstallFailed(what, reason): the bootstrap reports it on stderr and the entry does
 * not run. Defined after INSTALL_STEP, whose InstallFailed it shares; it runs first, since
 * the wheel step removes `.orange/` as a whole.
 */
export const NPM_INSTALL_STEP = `
NPM_INSTALL_SCRIPT_EVENTS = ("preinstall", "install", "postinstall")

def install_node_modules(root, base, kill_others):
    import os, shutil, tarfile, time
    archive = os.path.join(root, ${JSON.stringify(NODE_MODULES_ARCHIVE)})
    if not os.path.isfile(archive):
        return None
    started = time.monotonic()
    modules = os.path.join(base, "node_modules")
    try:
        unpack_node_modules(archive, modules)
    except (OSError, ValueError, tarfile.TarError, EOFError) as error:
        raise InstallFailed("node_modules", str(error) or type(error).__name__)
    allowed = os.path.isfile(os.path.join(root, ${JSON.stringify(INSTALL_SCRIPTS_ALLOWED)}))
    shutil.rmtree(os.path.join(root, ${JSON.stringify(NPM_DIR)}))
    try:
        os.rmdir(os.path.join(root, ".orange"))
    except OSError:
        pass  # wheels are still there: the wheel step removes it
    try:
        os.symlink(modules, os.path.join(root, "node_modules"))
    except FileExistsError:
        raise InstallFailed("node_modules", "the project brought a file named node_modules")
    if allowed:
        run_install_scripts(modules, root, kill_others)
    return int((time.monotonic() - started) * 1000)

def unpack_node_modules(archive, modules):
    import os, shutil, tarfile
    os.makedirs(modules, mode=0o755)
    count = 0
    with tarfile.open(archive, mode="r:") as tree:
        for member in tree:
            name = member.name
            parts = name.split("/")
            if (not member.isfile() or name.startswith("/") or "\\\\" in name
                    or any(p in ("", ".", "..") for p in parts)
                    or any(ord(c) < 0x20 or ord(c) == 0x7f for c in name)):
                raise ValueError("refusing member %r of the npm tree" % name)
            count += 1
            if count > ${MAX_NODE_MODULES_FILES}:
                raise ValueError("the npm tree holds more than ${MAX_NODE_MODULES_FILES} files")
            target = os.path.join(modules, *parts)
            os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
            mode = 0o755 if member.mode & 0o111 else 0o644
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
            with tree.extractfile(member) as source, os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)

def npm_packages(modules):
    """(folder, manifest, scripts) of every package in the tree, dependencies first."""
    import json, os
    found = []
    def visit(folder):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            return
        for name in names:
            if name.startswith("."):
                continue
            path = os.path.join(folder, name)
            if name.startswith("@"):
                try:
                    inner = sorted(os.listdir(path))
                except OSError:
                    continue
                for scoped in inner:
                    package(os.path.join(path, scoped))
            else:
                package(path)
    def package(path):
        try:
            with open(os.path.join(path, "package.json"), "rb") as file:
                manifest = json.loads(file.read().decode("utf-8"))
        except (OSError, ValueError):
            manifest = None
        if isinstance(manifest, dict):
            declared = manifest.get("scripts") if isinstance(manifest.get("scripts"), dict) else {}
            scripts = [(e, declared[e]) for e in NPM_INSTALL_SCRIPT_EVENTS
                       if isinstance(declared.get(e), str) and declared[e].strip()]
            events = [e for e, _ in scripts]
            if os.path.isfile(os.path.join(path, "binding.gyp")) and "install" not in events and "preinstall" not in events:
                scripts.append(("install", "node-gyp rebuild"))
                scripts.sort(key=lambda s: NPM_INSTALL_SCRIPT_EVENTS.index(s[0]))
            found.append((path, manifest, scripts))
        visit(os.path.join(path, "node_modules"))
    visit(modules)
    depth = lambda path: path.count("/node_modules/")
    return sorted(found, key=lambda f: (-depth(f[0]), f[0]))

def run_install_scripts(modules, root, kill_others):
    import ctypes, os
    for folder, manifest, scripts in npm_packages(modules):
        name = manifest.get("name") if isinstance(manifest.get("name"), str) else os.path.basename(folder)
        version = manifest.get("version") if isinstance(manifest.get("version"), str) else "?"
        for event, script in scripts:
            env = {
                "PATH": os.pathsep.join([os.path.join(folder, "node_modules", ".bin"),
                                         os.path.join(modules, ".bin"), "/usr/local/bin", "/usr/bin", "/bin"]),
                "HOME": "/tmp",
                "INIT_CWD": root,
                "npm_lifecycle_event": event,
                "npm_lifecycle_script": script,
                "npm_package_name": name,
                "npm_package_version": version,
                "npm_config_offline": "true",
            }
            pid = os.fork()
            if pid == 0:
                try:
                    ctypes.CDLL(None).prctl(4, 1, 0, 0, 0)  # our /proc files are root's while non-dumpable
                    with open("/proc/self/oom_score_adj", "w") as adj:
                        adj.write("1000")
                    null = os.open("/dev/null", os.O_RDONLY)
                    os.dup2(null, 0)
                    os.close(null)
                    os.dup2(2, 1)
                    os.chdir(folder)
                    os.execve("/bin/sh", ["sh", "-c", script], env)
                finally:
                    os._exit(127)
            _, status = os.waitpid(pid, 0)
            # Nothing a script left running may outlive it: the next fork must not meet it.
            while True:
                kill_others()
                try:
                    os.waitpid(-1, 0)
                except ChildProcessError:
                    break
            if os.WIFSIGNALED(status):
                raise InstallFailed("%s@%s" % (name, version), "its %s script was killed by signal %d" % (event, os.WTERMSIG(status)))
            if os.WEXITSTATUS(status) != 0:
                raise InstallFailed("%s@%s" % (name, version), "its %s script (%s) exited with code %d" % (event, script, os.WEXITSTATUS(status)))
`;
