//! A throwaway PostgreSQL for tests (this crate's, the command line's, and
//! any test that needs a real server): each test gets a database of its own,
//! dropped when it ends, on
//! - the server named by `CHISO_TEST_PG_URL` (a role that may create
//!   databases), when set;
//! - otherwise a cluster made for the test process: `initdb` in a temporary
//!   directory (as the unprivileged `postgres` user when running as root),
//!   `pg_ctl start` on 127.0.0.1 and a free port without durability
//!   (`-F -c fsync=off`), stopped and deleted when its last database is
//!   dropped. The binaries are found in `CHISO_PG_BIN`, Debian's
//!   `/usr/lib/postgresql/<version>/bin` (newest first) or `PATH`.
//!
//! Without either, [`database`] prints why and returns `None` so the test can
//! return early; with `CHISO_REQUIRE_PG=1` (as `.ci/run` sets) it panics
//! instead, so a CI run cannot pass without PostgreSQL.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Weak};

use postgres::{Client, NoTls};

/// A database of its own for one test; dropped with it.
pub struct TestDatabase {
    /// Where to connect (`PgStore::migrate`, `PgStore::open`, `--db`).
    pub url: String,
    name: String,
    admin: String,
    _cluster: Option<Arc<Cluster>>,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut c) = Client::connect(&self.admin, NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// A fresh empty database (not migrated) for the test `label`, or `None`
/// (after saying why) when no PostgreSQL can be had and none is required.
pub fn database(label: &str) -> Option<TestDatabase> {
    let required = std::env::var("CHISO_REQUIRE_PG").is_ok_and(|v| v == "1");
    let (admin, cluster) = match std::env::var("CHISO_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => (url, None),
        _ => match shared_cluster() {
            Ok(Some(c)) => (c.url(), Some(c)),
            Ok(None) => {
                let why = "no PostgreSQL: initdb not found (CHISO_PG_BIN, \
                           /usr/lib/postgresql/*/bin, PATH) and CHISO_TEST_PG_URL not set";
                if required {
                    panic!("{why}, but CHISO_REQUIRE_PG=1");
                }
                eprintln!("test {label} skipped: {why}");
                return None;
            }
            Err(e) => panic!("could not start a PostgreSQL cluster for {label}: {e}"),
        },
    };
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "chiso_{}_{}_{}",
        label
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(30)
            .collect::<String>()
            .to_lowercase(),
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut client = Client::connect(&admin, NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to PostgreSQL for {label}: {}", said(&e)));
    // Databases are copied from a template that two copies cannot read at once.
    static CREATING: Mutex<()> = Mutex::new(());
    let _one_at_a_time = CREATING.lock().unwrap_or_else(|e| e.into_inner());
    for sql in [
        format!("DROP DATABASE IF EXISTS \"{name}\""),
        format!("CREATE DATABASE \"{name}\""),
    ] {
        client
            .batch_execute(&sql)
            .unwrap_or_else(|e| panic!("{sql}: {}", said(&e)));
    }
    let config: postgres::Config = admin
        .parse()
        .unwrap_or_else(|e| panic!("CHISO_TEST_PG_URL: {e}"));
    Some(TestDatabase {
        url: url_for(&config, &name),
        name,
        admin,
        _cluster: cluster,
    })
}

/// What the server said, or the client's error.
fn said(e: &postgres::Error) -> String {
    e.as_db_error()
        .map_or_else(|| format!("{e:?}"), |d| d.message().to_string())
}

/// A `postgres://` URL of database `db` with the settings of `config`.
fn url_for(config: &postgres::Config, db: &str) -> String {
    let user = config.get_user().map(encode).unwrap_or_default();
    let password = config
        .get_password()
        .map(|p| format!(":{}", encode(&String::from_utf8_lossy(p))))
        .unwrap_or_default();
    let at = if user.is_empty() { "" } else { "@" };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    match config.get_hosts().first() {
        Some(postgres::config::Host::Unix(dir)) => format!(
            "postgres://{user}{password}{at}/{db}?host={}&port={port}",
            encode(&dir.display().to_string())
        ),
        Some(postgres::config::Host::Tcp(host)) => {
            format!("postgres://{user}{password}{at}{host}:{port}/{db}")
        }
        None => format!("postgres://{user}{password}{at}localhost:{port}/{db}"),
    }
}

/// Percent-encoding of everything but unreserved characters.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The cluster of this test process, started when no test holds it.
fn shared_cluster() -> Result<Option<Arc<Cluster>>, String> {
    static CLUSTER: Mutex<Weak<Cluster>> = Mutex::new(Weak::new());
    let mut shared = CLUSTER.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(c) = shared.upgrade() {
        return Ok(Some(c));
    }
    let Some(bin) = binaries() else {
        return Ok(None);
    };
    let c = Arc::new(Cluster::start(bin)?);
    *shared = Arc::downgrade(&c);
    Ok(Some(c))
}

/// The directory of `initdb` and `pg_ctl`.
fn binaries() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CHISO_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, bin)| bin.join("initdb").is_file())
        .collect();
    debian.sort();
    if let Some((_, bin)) = debian.pop() {
        return Some(bin);
    }
    std::env::split_paths(&std::env::var_os("PATH")?).find(|dir| dir.join("initdb").is_file())
}

/// A cluster in a temporary directory, stopped and deleted when dropped.
struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    /// Run as the `postgres` user (the server refuses to run as root).
    as_postgres: bool,
}

impl Cluster {
    fn start(bin: PathBuf) -> Result<Cluster, String> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let as_postgres = output("id", &["-u"])?.trim() == "0";
        // The postgres user must reach the directory: as root, under /tmp
        // whatever TMPDIR says.
        let base = if as_postgres {
            PathBuf::from("/tmp")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!(
            "chiso-pg-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if as_postgres {
            let uid = output("id", &["-u", "postgres"])
                .map_err(|e| format!("running as root needs a 'postgres' user: {e}"))?;
            let gid = output("id", &["-g", "postgres"])?;
            let parse = |s: String| s.trim().parse::<u32>().map_err(|e| e.to_string());
            std::os::unix::fs::chown(&dir, Some(parse(uid)?), Some(parse(gid)?))
                .map_err(|e| format!("chown {}: {e}", dir.display()))?;
        }
        let mut cluster = Cluster {
            dir,
            bin,
            port: 0,
            as_postgres,
        };
        let data = cluster.data();
        cluster.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        )?;
        // A port found free may be taken before the server binds it: try again.
        let mut last = String::new();
        for _ in 0..3 {
            cluster.port = free_port()?;
            let options = format!(
                "-F -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
                 -c listen_addresses=127.0.0.1 -p {} -k {} -c max_connections=200",
                cluster.port,
                cluster.dir.display()
            );
            let log = cluster.dir.join("server.log").display().to_string();
            match cluster.run(
                "pg_ctl",
                &[
                    "-D", &data, "-l", &log, "-o", &options, "-w", "-t", "60", "start",
                ],
            ) {
                Ok(_) => return Ok(cluster),
                Err(e) => {
                    let tail = std::fs::read_to_string(&log).unwrap_or_default();
                    last = format!("{e}\n{tail}");
                }
            }
        }
        Err(last)
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Runs one of the server's programs, as `postgres` when needed.
    fn run(&self, program: &str, args: &[&str]) -> Result<String, String> {
        let path = self.bin.join(program).display().to_string();
        if !self.as_postgres {
            return output(&path, args);
        }
        let mut all = vec!["-u", "postgres", "--", path.as_str()];
        all.extend_from_slice(args);
        output("runuser", &all)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.run(
            "pg_ctl",
            &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A program's standard output, or what went wrong.
fn output(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(Path::new("/"))
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{program} {}: {}\n{}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_every_setting_encoded() {
        let c: postgres::Config = "postgres://u%40x:p%3Aw@db.example:6543/postgres"
            .parse()
            .unwrap();
        assert_eq!(
            url_for(&c, "t1"),
            "postgres://u%40x:p%3Aw@db.example:6543/t1"
        );
        let c: postgres::Config = "host=/run/pg port=5433 user=chiso dbname=x"
            .parse()
            .unwrap();
        assert_eq!(
            url_for(&c, "t2"),
            "postgres://chiso@/t2?host=%2Frun%2Fpg&port=5433"
        );
    }
}
