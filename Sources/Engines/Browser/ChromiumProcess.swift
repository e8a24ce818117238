import CProcessShims
import FoundationEssentials
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One running Chromium: its process group, its DevTools socket and its
/// temporary profile.
///
/// Chromium is spawned with `posix_spawn` (no Swift code runs between fork and
/// exec) into its own process group, so one `killpg` takes down the browser,
/// its zygotes and renderers. DevTools runs over `--remote-debugging-pipe`:
/// Chromium reads commands on fd 3 and writes on fd 4. Both are one end of a
/// `socketpair`, which lets the parent write with `MSG_NOSIGNAL` (no SIGPIPE
/// when the browser dies) and read EOF the moment the browser goes away.
///
/// Parent death: the parent's end is close-on-exec and held by nobody else,
/// so when crawld dies, even by SIGKILL, Chromium reads EOF on fd 3 and exits
/// on its own. A browser that cannot (wedged) is caught at the next start by
/// ``ProfileDirectory/killOrphans(root:logger:)``, which finds the
/// profiles of dead owners and kills the groups still using them.
///
/// `@unchecked Sendable`: `pid`, `socket` and `profile` never change after
/// init; the one mutable flag sits in a `Mutex`.
final class ChromiumProcess: @unchecked Sendable {
    /// The browser's pid, which is also its process group id.
    let pid: Int32
    /// The parent's end of the DevTools socket; the connection reads and writes it.
    let socket: Int32
    /// The temporary `--user-data-dir`, removed by ``terminate()``.
    let profile: String
    private let terminated = Mutex(false)

    /// Spawns Chromium.
    /// - Parameters:
    ///   - executable: the binary (see ``locate(override:)``).
    ///   - profileRoot: where the temporary profile is made (see ``ProfileDirectory``).
    ///   - arguments: flags added after the engine's own.
    /// - Throws: `BrowserError.launchFailed` when the socket, profile or spawn fails.
    init(executable: String, profileRoot: String, arguments: [String] = []) throws {
        let profile = try ProfileDirectory.create(root: profileRoot)
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            try? FileManager.default.removeItem(atPath: profile)
            throw BrowserError(.launchFailed, "socketpair failed: errno \(errno)")
        }
        // The child's end is moved above 4 so that dup2 onto 3 and 4 never sees old == new.
        let childEnd = fcntl(pair[1], F_DUPFD_CLOEXEC, 10)
        Glibc.close(pair[1])
        defer { Glibc.close(childEnd) }
        // No start URL: without one Chromium opens no tab, so an idle browser
        // holds no renderer (about 50 MB PSS less); every render makes its own target.
        var argv = [executable] + Self.flags(profile: profile) + arguments
        if geteuid() == 0 { argv.insert("--no-sandbox", at: 1) }
        do {
            self.pid = try Self.spawn(argv, devtoolsFD: childEnd)
        } catch {
            Glibc.close(pair[0])
            try? FileManager.default.removeItem(atPath: profile)
            throw error
        }
        self.socket = pair[0]
        self.profile = profile
        Self.spawned.withLock { $0[pid] = self }
    }

    deinit {
        terminate()
        Glibc.close(socket)
    }

    /// The flags every browser gets: headless over the pipe, no first-run UI,
    /// nothing that phones home or keeps background work alive between pages.
    /// `--no-sandbox` is added only for root, where Chromium refuses to start without it.
    /// The GPU and network services run inside the browser process
    /// (`--in-process-gpu`, `NetworkServiceInProcess2`) rather than as two more
    /// processes: about 13-17 MB less PSS per browser (Benchmarks/scripts/browser.sh),
    /// and a crash of either is a dead browser, which the watchdog replaces anyway.
    static func flags(profile: String) -> [String] {
        [
            "--headless", "--remote-debugging-pipe", "--user-data-dir=\(profile)",
            "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-extensions", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-breakpad", "--disable-default-apps", "--mute-audio",
            "--hide-scrollbars", "--metrics-recording-only", "--password-store=basic", "--use-mock-keychain",
            "--in-process-gpu", "--enable-features=NetworkServiceInProcess2",
        ]
    }

    private static func spawn(_ argv: [String], devtoolsFD: Int32) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, devtoolsFD, 3)
        posix_spawn_file_actions_adddup2(&actions, devtoolsFD, 4)
        // Every other descriptor closes in the child: crawld's client sockets
        // are not all close-on-exec, and a browser holding a copy of one would
        // keep that client's connection open after crawld closed it.
        cprocess_spawn_addclosefrom(&actions, 5)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Own process group (pgid = pid); default signal handlers and an empty
        // mask, so a SIGPIPE the parent ignores is not ignored by Chromium.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)

        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, environ)
        guard status == 0 else {
            throw BrowserError(.launchFailed, "cannot spawn \(argv[0]): \(String(cString: strerror(status)))")
        }
        return pid
    }

    /// Kills the whole process group and reaps the browser, then removes the
    /// profile. Idempotent and safe from any thread; a second caller waits
    /// until the first has finished.
    ///
    /// The group is killed *before* the leader is reaped: while the leader is
    /// an unreaped zombie its pid, and so the group id, cannot be reused.
    func terminate() {
        terminated.withLock { done in
            guard !done else { return }
            done = true
            killpg(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            Self.spawned.withLock { $0[pid] = nil }
            for _ in 0..<3 {
                guard (try? FileManager.default.removeItem(atPath: profile)) == nil,
                    FileManager.default.fileExists(atPath: profile)
                else { break }
            }
        }
    }

    /// Sends `signal` to the browser's process group unless ``terminate()``
    /// has run: after it the group id may name someone else's processes.
    func signalGroup(_ signal: Int32) {
        terminated.withLock { done in
            if !done { killpg(pid, signal) }
        }
    }

    /// Whether ``terminate()`` has run.
    var isTerminated: Bool { terminated.withLock { $0 } }

    /// PSS in bytes summed over every process of the browser's group.
    func memoryBytes() -> Int {
        ProcFS.members(ofGroup: pid).reduce(0) { $0 + (ProcFS.pssBytes($1) ?? 0) }
    }
}
