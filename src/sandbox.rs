//! Throwaway PostgreSQL clusters from the local server binaries, for `lma demo` and the tests.
//!
//! PostgreSQL refuses to run as root, and CI runs as root, so when we are root the cluster is
//! created and run as the `postgres` user through `runuser`. A detached reaper process stops
//! the server and removes its directory once the process that started it is gone, so a
//! crash, a Ctrl-C or a test binary that never runs destructors leaves nothing behind.

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context as _};

/// The environment variable naming the directory of `initdb` and `pg_ctl`.
pub const BIN_ENV: &str = "LMA_PG_BIN";

/// The file whose presence tells the reaper to keep the cluster's directory.
const KEEP_MARKER: &str = "KEEP";

/// A running throwaway cluster.
#[derive(Debug)]
pub struct Sandbox {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    run_as: Option<String>,
    running: bool,
}

impl Sandbox {
    /// Creates a cluster in a new temporary directory and starts it on a free port.
    pub fn start() -> anyhow::Result<Self> {
        let bin = find_bin_dir()?;
        let run_as = if nix::unistd::geteuid().is_root() {
            Some("postgres".to_owned())
        } else {
            None
        };
        let mut sandbox = Self::prepare(bin, run_as)?;
        sandbox.initdb()?;
        sandbox.start_server()?;
        Ok(sandbox)
    }

    /// Starts a streaming replica of this cluster: a `pg_basebackup -R` copy in a new temporary
    /// directory, run by the same user from the same binaries on its own free port, with its
    /// own reaper. It is a hot standby, so it answers read-only queries.
    pub fn start_replica(&self) -> anyhow::Result<Self> {
        let mut replica = Self::prepare(self.bin.clone(), self.run_as.clone())?;
        let mut backup = replica.command("pg_basebackup");
        backup
            .arg("-D")
            .arg(replica.dir.join("data"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
            ])
            // -R writes standby.signal and primary_conninfo; a fast checkpoint starts the copy
            // at once instead of after a spread one.
            .args(["-R", "-X", "stream", "-c", "fast", "--no-sync"]);
        run(&mut backup, "pg_basebackup")?;
        replica.start_server()?;
        Ok(replica)
    }

    /// A new temporary directory, owned by the cluster's user and watched by a reaper.
    fn prepare(bin: PathBuf, run_as: Option<String>) -> anyhow::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("lma-pg-")
            .tempdir()
            .context("cannot create a temporary directory for the cluster")?
            .keep();
        let sandbox = Self {
            dir,
            bin,
            port: 0,
            run_as,
            running: false,
        };
        sandbox.spawn_reaper()?;
        sandbox.hand_over_directory()?;
        Ok(sandbox)
    }

    /// A URL for a database on this cluster, as the `postgres` superuser over TCP.
    #[must_use]
    pub fn url(&self, dbname: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{dbname}", self.port)
    }

    /// The TCP port the server listens on.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The cluster's directory (data, socket and log).
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The directory of the server binaries in use.
    #[must_use]
    pub fn bin_dir(&self) -> &Path {
        &self.bin
    }

    /// Marks the directory to be kept when the cluster stops, for inspection.
    pub fn keep(&self) -> anyhow::Result<()> {
        fs::write(self.dir.join(KEEP_MARKER), "kept for inspection\n")
            .with_context(|| format!("cannot mark {} to be kept", self.dir.display()))
    }

    /// Stops the server, and removes the directory unless it was marked to be kept.
    pub fn stop(&mut self) -> anyhow::Result<()> {
        if !self.running {
            return Ok(());
        }
        self.running = false;
        let data = self.dir.join("data");
        let mut stop = self.command("pg_ctl");
        stop.arg("-D").arg(&data).args(["-m", "fast", "-w", "stop"]);
        run(&mut stop, "pg_ctl stop")?;
        if !self.dir.join(KEEP_MARKER).exists() {
            fs::remove_dir_all(&self.dir)
                .with_context(|| format!("cannot remove {}", self.dir.display()))?;
        }
        Ok(())
    }

    /// A command for one of the server binaries, run as the cluster's owner.
    fn command(&self, program: &str) -> Command {
        let path = self.tool_path(program);
        let mut command = match &self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(path);
                command
            }
            None => Command::new(path),
        };
        command.stdin(Stdio::null());
        command
    }

    /// A server binary: in the binaries' directory, else next to the real `pg_ctl`, because a
    /// directory on PATH may hold symlinks to `initdb` and `pg_ctl` only (not `pg_basebackup`).
    fn tool_path(&self, program: &str) -> PathBuf {
        let path = self.bin.join(program);
        if path.is_file() {
            return path;
        }
        fs::canonicalize(self.bin.join("pg_ctl"))
            .ok()
            .and_then(|pg_ctl| pg_ctl.parent().map(|dir| dir.join(program)))
            .filter(|real| real.is_file())
            .unwrap_or(path)
    }

    fn hand_over_directory(&self) -> anyhow::Result<()> {
        let Some(user) = &self.run_as else {
            return Ok(());
        };
        let owner = nix::unistd::User::from_name(user)
            .context("cannot look up the postgres user")?
            .with_context(|| {
                format!("running as root needs a '{user}' user to own the cluster: create it (useradd --system {user}) or run as another user")
            })?;
        nix::unistd::chown(&self.dir, Some(owner.uid), Some(owner.gid))
            .with_context(|| format!("cannot hand {} to {user}", self.dir.display()))
    }

    fn initdb(&self) -> anyhow::Result<()> {
        let mut initdb = self.command("initdb");
        initdb.arg("-D").arg(self.dir.join("data")).args([
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]);
        run(&mut initdb, "initdb")
    }

    fn start_server(&mut self) -> anyhow::Result<()> {
        // A port found free can be taken before the server binds it; try a few.
        let mut last_error = None;
        for _ in 0..3 {
            self.port = free_port()?;
            let mut start = self.command("pg_ctl");
            start
                .arg("-D")
                .arg(self.dir.join("data"))
                .arg("-l")
                .arg(self.dir.join("postgres.log"))
                .args(["-w", "-t", "60", "-o", &self.server_options(), "start"]);
            match run(&mut start, "pg_ctl start") {
                Ok(()) => {
                    self.running = true;
                    return Ok(());
                }
                Err(err) => last_error = Some(err.context(self.log_tail())),
            }
        }
        Err(last_error.expect("at least one attempt was made"))
    }

    fn server_options(&self) -> String {
        // Durability is worthless for a throwaway cluster; speed is not.
        let mut options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            self.port,
            self.dir.display()
        );
        // `lma queries` reads pg_stat_statements, which only a preloaded library fills. A
        // server package without contrib lacks it; the cluster then starts without it.
        if self.has_library("pg_stat_statements") {
            options.push_str(" -c shared_preload_libraries=pg_stat_statements");
        }
        options
    }

    /// Whether the server's library directory (`bin/../lib`, Debian's layout) has `name.so`.
    fn has_library(&self, name: &str) -> bool {
        let pg_ctl =
            fs::canonicalize(self.tool_path("pg_ctl")).unwrap_or_else(|_| self.bin.join("pg_ctl"));
        pg_ctl
            .parent()
            .and_then(Path::parent)
            .is_some_and(|root| root.join("lib").join(format!("{name}.so")).is_file())
    }

    fn log_tail(&self) -> String {
        let log = fs::read_to_string(self.dir.join("postgres.log")).unwrap_or_default();
        let tail = log.lines().rev().take(3).collect::<Vec<_>>();
        format!(
            "server log: {}",
            tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
        )
    }

    /// Starts a detached process that cleans up after this one, however it ends.
    fn spawn_reaper(&self) -> anyhow::Result<()> {
        const SCRIPT: &str = r#"pid=$1; dir=$2; shift 2
while kill -0 "$pid" 2>/dev/null; do sleep 1; done
[ -f "$dir/data/postmaster.pid" ] && "$@"
[ -e "$dir/KEEP" ] || rm -rf "$dir""#;
        let stop = self.command("pg_ctl");
        let mut reaper = Command::new("setsid");
        reaper
            .args(["sh", "-c", SCRIPT, "lma-reaper"])
            .arg(std::process::id().to_string())
            .arg(&self.dir)
            .arg(stop.get_program())
            .args(stop.get_args())
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "stop"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        reaper
            .spawn()
            .context("cannot start the cluster's clean-up process (setsid, sh)")?;
        Ok(())
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // Best effort: the reaper finishes the job if this fails.
        let _ = self.stop();
    }
}

fn run(command: &mut Command, what: &str) -> anyhow::Result<()> {
    let output = command
        .output()
        .with_context(|| format!("cannot run {what}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("");
    bail!("{what} failed ({}): {last}", output.status)
}

fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("cannot find a free TCP port")?;
    Ok(listener.local_addr()?.port())
}

/// Finds `initdb` and `pg_ctl`: `LMA_PG_BIN`, then `PATH`, then the newest
/// `/usr/lib/postgresql/*/bin`.
pub fn find_bin_dir() -> anyhow::Result<PathBuf> {
    let has_server = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Some(dir) = std::env::var_os(BIN_ENV) {
        let dir = PathBuf::from(dir);
        if has_server(&dir) {
            return Ok(dir);
        }
        bail!("{BIN_ENV}={} has no initdb and pg_ctl", dir.display());
    }
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default();
    if let Some(dir) = on_path.into_iter().find(|dir| has_server(dir)) {
        return Ok(dir);
    }
    newest_debian_bin_dir(Path::new("/usr/lib/postgresql"))
        .filter(|dir| has_server(dir))
        .with_context(|| {
            format!("no PostgreSQL server binaries (initdb, pg_ctl) found: install them (apt-get install postgresql) or set {BIN_ENV} to their directory")
        })
}

fn newest_debian_bin_dir(root: &Path) -> Option<PathBuf> {
    let entries = fs::read_dir(root).ok()?;
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .max_by_key(|(version, _)| *version)
        .map(|(_, bin)| bin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_numbered_version_wins() {
        let root = tempfile::tempdir().unwrap();
        for version in ["9", "15", "13", "notes"] {
            fs::create_dir_all(root.path().join(version).join("bin")).unwrap();
        }
        assert_eq!(
            newest_debian_bin_dir(root.path()),
            Some(root.path().join("15/bin"))
        );
    }

    #[test]
    fn a_missing_root_finds_nothing() {
        assert_eq!(newest_debian_bin_dir(Path::new("/nonexistent/lma")), None);
    }
}
