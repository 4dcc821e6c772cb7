import { DEPS_BASE, INSTALL_STEP } from './install-step.js';

/** Where the job's files land inside the container (on the /tmp tmpfs). */
export const JOB_DIR = '/tmp/job';

/**
 * Python run as `python3 -I -c BOOTSTRAP <entrypoint>` inside the container.
 *
 * Why stdin and not putArchive: the root filesystem is read-only, so the
 * engine refuses archive uploads ("container rootfs is marked read-only"),
 * and /tmp is a tmpfs that only exists once the container runs. The
 * bootstrap reads a tar from stdin into /tmp/job (plain files only, every
 * name re-checked, `x` mode so nothing existing is followed or overwritten),
 * points stdin at /dev/null and replaces itself with a fresh interpreter
 * running the entrypoint, so the job sees none of the bootstrap's state.
 *
 * The entry runs by its relative path from the project root, with the root as
 * working directory and on sys.path (PYTHONPATH; `-I` applies to the bootstrap
 * only): `import helper` and `open("data/x.csv")` behave as they do on the
 * requester's machine, and tracebacks name /tmp/job/<project-relative path>
 * (Python makes the script's own path absolute).
 */
export const BOOTSTRAP = `
import os, sys, tarfile
${INSTALL_STEP}
root = ${JSON.stringify(JOB_DIR)}
os.makedirs(root, mode=0o700)
with tarfile.open(fileobj=sys.stdin.buffer, mode="r|") as archive:
    for member in archive:
        parts = member.name.split("/")
        if not member.isfile() or member.name.startswith("/") or any(p in ("", ".", "..") for p in parts):
            sys.exit("orange-cloud bootstrap: refusing archive member %r" % member.name)
        target = os.path.join(root, *parts)
        os.makedirs(os.path.dirname(target), mode=0o700, exist_ok=True)
        if member.mode not in (0o644, 0o755):
            sys.exit("orange-cloud bootstrap: refusing mode %o of %r" % (member.mode, member.name))
        with open(target, "xb") as out:
            out.write(archive.extractfile(member).read())
        os.chmod(target, member.mode)
try:
    install_dependencies(root, ${JSON.stringify(DEPS_BASE)})
except InstallFailed as failed:
    sys.exit("orange-cloud: installing the dependency %s failed: %s" % (failed.wheel, failed.reason))
null = os.open("/dev/null", os.O_RDONLY)
os.dup2(null, 0)
os.close(null)
os.chdir(root)
os.environ["PYTHONPATH"] = root
os.execv(sys.executable, [sys.executable, sys.argv[1]])
`;
