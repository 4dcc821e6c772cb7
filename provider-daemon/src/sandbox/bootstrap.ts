import { DEPS_BASE, INSTALL_STEP } from './install-step.js';
import { NPM_INSTALL_STEP } from './npm-install-step.js';

/** Where the job's files land inside the container (on the /tmp tmpfs). */
export const JOB_DIR = '/tmp/job';
/** The folder whose regular files come back to the requester (ORANGE_OUTPUT_DIR). */
export const OUTPUT_DIR = `${JOB_DIR}/out`;

/**
 * Starts the outputs section of the container's stdout: `\x1e` (record separator, so job
 * output almost never has to be held back as a possible marker start), this text, the run's
 * nonce in hex, a newline.
 */
export const OUTPUTS_MARKER_PREFIX = '\x1eORANGE-CLOUD-OUTPUTS ';
/** Frame types after the marker; see FRAMING below. */
export const FRAME_TAR = 0x54; // 'T'
export const FRAME_REPORT = 0x52; // 'R'
/** The largest tar frame the bootstrap writes. */
export const MAX_TAR_FRAME_BYTES = 64 * 1024;
/** At most this many entries (files, folders and skipped entries) are visited under out/. */
export const MAX_VISITED_ENTRIES = 10_000;
/** Folders nested deeper under out/ are skipped (each level holds a descriptor open). */
export const MAX_OUTPUT_DEPTH = 32;

/** The first line on the container's stdin, before the tar of the job's files. */
export interface BootstrapHeader {
  /** 32 lowercase hex digits; the job never sees it. */
  nonce: string;
  /** Total bytes of out/ files the bootstrap sends back. */
  outputsCapBytes: number;
}

export function encodeBootstrapHeader(header: BootstrapHeader): string {
  return `${JSON.stringify(header)}\n`;
}

/**
 * Runs the entry (`python3 -c LAUNCHER <entry>`) the way `python3 <entry>` would: argv is
 * `[entry, ...]`, sys.path[0] is the entry's folder, and the code runs in the real
 * `__main__` module with an absolute `__file__`. The one difference is on purpose: an
 * uncaught exception's traceback (in the main thread or another) names project-relative paths (`File "main.py"`,
 * `File "helper.py"`) instead of `${JOB_DIR}/...`, and starts at the entry (the launcher's
 * own frames are dropped), as it does on the requester's machine.
 */
export const LAUNCHER = `
def _launch():
    import builtins, importlib.machinery, os, sys
    del sys.argv[0]
    entry = os.path.abspath(sys.argv[0])
    sys.path[0] = os.path.dirname(entry)
    def project_relative_excepthook(kind, value, tb):
        import traceback
        while tb is not None and tb.tb_frame.f_code.co_filename != entry:
            tb = tb.tb_next
        text = "".join(traceback.format_exception(kind, value, tb))
        sys.stderr.write(text.replace('File "${JOB_DIR}/', 'File "'))
    sys.excepthook = project_relative_excepthook
    import threading
    def project_relative_thread_excepthook(args):
        import traceback
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "unknown"
        text = "".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback))
        sys.stderr.write("Exception in thread %s:\\n" % name + text.replace('File "${JOB_DIR}/', 'File "'))
    threading.excepthook = project_relative_thread_excepthook
    with open(entry, "rb") as source:
        code = compile(source.read(), entry, "exec", dont_inherit=True)
    namespace = sys.modules["__main__"].__dict__
    namespace.clear()
    namespace.update(
        __name__="__main__", __doc__=None, __package__=None, __spec__=None, __cached__=None,
        __file__=entry, __builtins__=builtins,
        __loader__=importlib.machinery.SourceFileLoader("__main__", entry),
    )
    exec(code, namespace)
_launch()
`;

/**
 * Python run as `python3 -I -c BOOTSTRAP <entrypoint> [COMMAND...]` inside the container; it stays the
 * parent of the job for the whole run, in four steps:
 *
 * 1. unpack: reads the header line (BootstrapHeader as JSON) and then a tar from stdin into
 *    /tmp/job (plain files only, every name re-checked, `x` mode so nothing existing is
 *    followed or overwritten), and creates /tmp/job/out. Why stdin and not putArchive: the
 *    root filesystem is read-only, so the engine refuses archive uploads, and /tmp is a tmpfs
 *    that only exists once the container runs.
 * 2. install: installs the prepared npm tree (NPM_INSTALL_STEP, running its install scripts
 *    only when the requester allowed them) and the dependency wheels (INSTALL_STEP) the
 *    payload carries, offline, into DEPS_BASE. A refused wheel, tree or failed script is named
 *    on stderr, the entry does not run, and the run ends with exit code 1.
 * 3. run: forks the entry (through LAUNCHER; or, when a COMMAND follows the entrypoint, that
 *    command line, e.g. `node main.js` for a catalog runtime that is not Python) with stdin on /dev/null, cwd /tmp/job, the root
 *    on PYTHONPATH, ORANGE_OUTPUT_DIR=/tmp/job/out and oom_score_adj 1000, so the kernel's
 *    OOM killer takes the job, not the bootstrap. Its stdout/stderr are the container's, so
 *    live output is unchanged. SIGUSR1 or SIGTERM (the daemon's stop, forwarded by
 *    docker-init) kills the job at once and marks the outputs partial.
 * 4. collect: kills every other process in the container (`kill(-1)`; the bootstrap is the
 *    child subreaper, so it reaps them all and nothing still writes to stdout), then sends
 *    out/'s regular files, framed as below, and exits with the job's exit code (128 + signal
 *    for a signalled job) so the engine reports it.
 *
 * The bootstrap is non-dumpable: the job (same uid) cannot read its memory, its /proc files
 * or its descriptors, so it never learns the nonce, and cannot forge the outputs section.
 *
 * FRAMING of stdout after the job's own output: the marker line
 * `OUTPUTS_MARKER_PREFIX + nonce + "\n"`, then frames of one type byte and a 4-byte
 * big-endian length: any number of `T` frames (at most 64 KiB each) whose payloads
 * concatenate to a POSIX (pax) tar of the collected files, paths relative to out/, mode 644,
 * mtime 0; then exactly one `R` frame, the JSON report
 * `{files: [{path, bytes, sha256}], skipped: [{path, reason}], truncated, partial,
 *   exitCode, signal, runMs, installMs}`, after which the bootstrap writes nothing more
 * (`installMs` is null when there was nothing to install or the install failed).
 */
export const BOOTSTRAP = `
import ctypes, hashlib, json, os, re, signal, stat, sys, tarfile, time
${INSTALL_STEP}
${NPM_INSTALL_STEP}
ROOT = ${JSON.stringify(JOB_DIR)}
OUT = ${JSON.stringify(OUTPUT_DIR)}
MARKER_PREFIX = ${JSON.stringify(OUTPUTS_MARKER_PREFIX)}.encode()
MAX_FRAME = ${MAX_TAR_FRAME_BYTES}
MAX_ENTRIES = ${MAX_VISITED_ENTRIES}
MAX_DEPTH = ${MAX_OUTPUT_DEPTH}
LAUNCHER = ${JSON.stringify(LAUNCHER)}
STOP_SIGNALS = (signal.SIGUSR1, signal.SIGTERM)
libc = ctypes.CDLL(None, use_errno=True)
stop_requested = []

def fail(message):
    sys.exit("orange-cloud bootstrap: " + message)

def harden():
    # PR_SET_DUMPABLE 0: the job may not ptrace us or read /proc/<us>/mem or fd;
    # PR_SET_CHILD_SUBREAPER 1: orphans of the job become our children, so we can reap them all.
    if libc.prctl(4, 0, 0, 0, 0) != 0 or libc.prctl(36, 1, 0, 0, 0) != 0:
        fail("prctl failed (errno %d)" % ctypes.get_errno())
    for signum in STOP_SIGNALS:
        signal.signal(signum, on_stop)

def kill_others():
    try:
        os.kill(-1, signal.SIGKILL)  # every process we may signal, except ourselves and init
    except ProcessLookupError:
        pass

def on_stop(signum, frame):
    stop_requested.append(signum)
    kill_others()

def read_header(stdin):
    try:
        header = json.loads(stdin.readline(4096))
        nonce, cap = header["nonce"], header["outputsCapBytes"]
    except (ValueError, KeyError, TypeError):
        fail("malformed header line")
    if not isinstance(nonce, str) or not re.fullmatch("[0-9a-f]{32}", nonce):
        fail("malformed nonce")
    if not isinstance(cap, int) or isinstance(cap, bool) or cap < 0:
        fail("malformed outputs cap")
    return nonce.encode(), cap

def unpack(stdin):
    os.makedirs(ROOT, mode=0o700)
    with tarfile.open(fileobj=stdin, mode="r|") as archive:
        for member in archive:
            parts = member.name.split("/")
            if not member.isfile() or member.name.startswith("/") or any(p in ("", ".", "..") for p in parts):
                fail("refusing archive member %r" % member.name)
            target = os.path.join(ROOT, *parts)
            os.makedirs(os.path.dirname(target), mode=0o700, exist_ok=True)
            if member.mode not in (0o644, 0o755):
                fail("refusing mode %o of %r" % (member.mode, member.name))
            with open(target, "xb") as out:
                out.write(archive.extractfile(member).read())
            os.chmod(target, member.mode)
    try:
        os.mkdir(OUT, mode=0o755)
    except FileExistsError:
        pass  # the project brought out/ (or a file named out, which then returns nothing)

# The wait status of a process that exited with code 1: what a run whose install failed reports.
INSTALL_FAILED_STATUS = 1 << 8

def install():
    """Installs the job's npm tree, then its wheels; returns (install ms or None, whether it failed)."""
    try:
        times = [install_node_modules(ROOT, ${JSON.stringify(DEPS_BASE)}, kill_others),
                 install_dependencies(ROOT, ${JSON.stringify(DEPS_BASE)})]
        done = [ms for ms in times if ms is not None]
        return (sum(done) if done else None), False
    except InstallFailed as failed:
        sys.stderr.write("orange-cloud: installing the dependency %s failed: %s\\n" % (failed.wheel, failed.reason))
        return None, True

def run(entry, command):
    """Runs the entry (or its command) as a child; returns (wait status or None if it never ran, run ms)."""
    if stop_requested:
        return None, 0
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            libc.prctl(4, 1, 0, 0, 0)  # our /proc files are root's while non-dumpable
            with open("/proc/self/oom_score_adj", "w") as adj:
                adj.write("1000")
            null = os.open("/dev/null", os.O_RDONLY)
            os.dup2(null, 0)
            os.close(null)
            os.chdir(ROOT)
            env = dict(os.environ, PYTHONPATH=ROOT, ORANGE_OUTPUT_DIR=OUT)
            for signum in STOP_SIGNALS:
                signal.signal(signum, signal.SIG_DFL)
            if command:
                os.execvpe(command[0], command, env)
            os.execve(sys.executable, [sys.executable, "-c", LAUNCHER, entry], env)
        finally:
            os._exit(127)
    if stop_requested:
        kill_others()
    while True:
        try:
            reaped, status = os.waitpid(-1, 0)
        except ChildProcessError:
            return None, int((time.monotonic() - started) * 1000)
        if reaped == pid:
            return status, int((time.monotonic() - started) * 1000)

def end_everything():
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)  # collection is bounded; the daemon's grace covers it
    while True:
        kill_others()
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return

def write_all(data):
    view = memoryview(data)
    while view:
        view = view[os.write(1, view):]

class Frames:
    """Writes the framed outputs section; also the file object the tar is written to."""
    def frame(self, kind, data):
        write_all(kind + len(data).to_bytes(4, "big"))
        write_all(data)
    def write(self, data):
        view = memoryview(data)
        for start in range(0, len(view), MAX_FRAME):
            self.frame(b"T", view[start:start + MAX_FRAME])
        return len(data)

class HashingReader:
    """Reads exactly size bytes in chunks, hashing them; zero-fills if the file shrank."""
    def __init__(self, file, size):
        self.file, self.left, self.hash = file, size, hashlib.sha256()
    def read(self, n):
        n = min(n, self.left)
        data = self.file.read(n) or b""
        data += bytes(n - len(data))
        self.left -= n
        self.hash.update(data)
        return data

def size_text(n):
    return "%d MiB" % (n >> 20) if n and n % (1 << 20) == 0 else "%d bytes" % n

def display_path(rel):
    """A safe relative path naming an entry in a report, whatever its real name."""
    text = "".join("?" if ord(c) < 0x20 or ord(c) == 0x7f or c == "\\\\" or 0xd800 <= ord(c) < 0xe000 else c for c in rel)
    text = text.encode()[:1000].decode(errors="ignore")
    if re.match("[A-Za-z]:", text):
        text = text[0] + "?" + text[2:]
    return "/".join(p if p not in ("", ".", "..") else "?" for p in text.split("/"))

def name_problem(rel):
    if any(0xd800 <= ord(c) < 0xe000 for c in rel):
        return "name is not UTF-8 text"
    if any(ord(c) < 0x20 or ord(c) == 0x7f for c in rel):
        return "name has a control character"
    if "\\\\" in rel:
        return "name has a backslash"
    if re.match("[A-Za-z]:", rel):
        return "name starts like a drive letter"
    if len(rel.encode()) > 1024:
        return "path is longer than 1024 bytes"
    return None

def kind_of(mode):
    if stat.S_ISLNK(mode): return "symbolic link"
    if stat.S_ISFIFO(mode): return "FIFO"
    if stat.S_ISSOCK(mode): return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode): return "device"
    return "not a regular file"

class Collector:
    def __init__(self, frames, cap):
        self.frames, self.cap, self.left = frames, cap, cap
        self.files, self.skipped, self.visited, self.truncated, self.tar = [], [], 0, False, None

    def skip(self, rel, reason):
        self.skipped.append({"path": display_path(rel), "reason": reason})

    def collect(self, root_fd):
        try:
            st = os.stat("out", dir_fd=root_fd, follow_symlinks=False)
        except FileNotFoundError:
            return
        if stat.S_ISREG(st.st_mode):
            return
        if not stat.S_ISDIR(st.st_mode):
            self.skip("out", "out/ is a %s, not a folder: nothing collected" % kind_of(st.st_mode))
            return
        try:
            out_fd = os.open("out", os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=root_fd)
        except OSError as error:
            self.skip("out", "out/ cannot be opened: %s" % error.strerror)
            return
        try:
            self.walk(out_fd, "", 1)
        finally:
            os.close(out_fd)
            if self.tar is not None:
                self.tar.close()

    def walk(self, dir_fd, prefix, depth):
        names = []
        try:
            with os.scandir(dir_fd) as entries:
                for entry in entries:
                    names.append(entry.name)
                    if len(names) > MAX_ENTRIES - self.visited:
                        break
        except OSError as error:
            self.skip(prefix.rstrip("/") or "out", "folder cannot be read: %s" % error.strerror)
            return
        for name in sorted(names):
            if self.visited >= MAX_ENTRIES:
                self.truncated = True
                return
            self.visited += 1
            rel = prefix + name
            try:
                st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            except OSError as error:
                self.skip(rel, "cannot be read: %s" % error.strerror)
                continue
            problem = name_problem(rel)
            if problem:
                self.skip(rel, problem)
            elif stat.S_ISDIR(st.st_mode):
                self.enter(dir_fd, name, rel, depth)
            elif stat.S_ISREG(st.st_mode):
                self.add_file(dir_fd, name, rel)
            else:
                self.skip(rel, kind_of(st.st_mode))

    def enter(self, dir_fd, name, rel, depth):
        if depth >= MAX_DEPTH:
            self.skip(rel, "folder nested deeper than %d levels" % MAX_DEPTH)
            return
        try:
            fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dir_fd)
        except OSError as error:
            self.skip(rel, "folder cannot be opened: %s" % error.strerror)
            return
        try:
            self.walk(fd, rel + "/", depth + 1)
        finally:
            os.close(fd)

    def add_file(self, dir_fd, name, rel):
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY, dir_fd=dir_fd)
        except OSError as error:
            self.skip(rel, "cannot be read: %s" % error.strerror)
            return
        with os.fdopen(fd, "rb", buffering=0) as file:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                self.skip(rel, kind_of(st.st_mode))
                return
            if st.st_size > self.left:
                self.truncated = True
                self.skip(rel, "over the %s outputs cap" % size_text(self.cap))
                return
            if self.tar is None:
                self.tar = tarfile.open(fileobj=self.frames, mode="w|", bufsize=MAX_FRAME, format=tarfile.PAX_FORMAT)
            info = tarfile.TarInfo(rel)
            info.size, info.mode, info.mtime = st.st_size, 0o644, 0
            reader = HashingReader(file, st.st_size)
            self.tar.addfile(info, reader)
            self.left -= st.st_size
            self.files.append({"path": rel, "bytes": st.st_size, "sha256": reader.hash.hexdigest()})

def collect(nonce, cap, status, run_ms, install_ms, root_fd):
    write_all(MARKER_PREFIX + nonce + b"\\n")
    frames = Frames()
    collector = Collector(frames, cap)
    collector.collect(root_fd)
    signalled = status is not None and os.WIFSIGNALED(status)
    report = {
        "files": collector.files,
        "skipped": collector.skipped,
        "truncated": collector.truncated,
        "partial": bool(stop_requested) or signalled or status is None,
        "exitCode": os.WEXITSTATUS(status) if status is not None and os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if signalled else None,
        "runMs": run_ms,
        "installMs": install_ms,
    }
    frames.frame(b"R", json.dumps(report).encode())

def exit_code(status):
    if status is None:
        return 128 + signal.SIGKILL
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)

def main():
    harden()
    stdin = sys.stdin.buffer
    nonce, cap = read_header(stdin)
    unpack(stdin)
    root_fd = os.open(ROOT, os.O_RDONLY | os.O_DIRECTORY)
    install_ms, install_failed = install()
    status, run_ms = (INSTALL_FAILED_STATUS, 0) if install_failed else run(sys.argv[1], sys.argv[2:])
    end_everything()
    try:
        collect(nonce, cap, status, run_ms, install_ms, root_fd)
    except Exception as error:
        # the daemon sees no report and says the outputs were not collected
        sys.stderr.write("orange-cloud bootstrap: collecting out/ failed: %r\\n" % (error,))
    os._exit(exit_code(status))

main()
`;
