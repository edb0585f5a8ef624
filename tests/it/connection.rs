//! Connecting: `connect_timeout` bounds the whole startup, and no error shows a piece of a
//! password, however the URL is malformed.

use std::net::TcpListener;
use std::time::Duration;

use crate::support::lma_binary;

/// A guard only, so that a hang fails the test instead of stalling the run; the outcome is
/// what the tests assert, never the time taken.
const GUARD: Duration = Duration::from_mins(2);

/// A port where the kernel accepts TCP connections into the listener's backlog and nobody
/// ever reads or writes: a server that accepts and never answers.
fn silent_server() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

/// A port where nothing listens: connections are refused.
fn closed_port() -> u16 {
    silent_server().1
}

#[test]
fn a_server_that_accepts_and_never_answers_fails_within_connect_timeout() {
    let (_listener, port) = silent_server();
    // sslmode=prefer waits for the answer to SSLRequest, disable for the startup's.
    for mode in ["prefer", "disable"] {
        let url = format!("postgres://u@127.0.0.1:{port}/db?connect_timeout=1&sslmode={mode}");
        let output = lma_binary()
            .args(["status", "--database-url", &url])
            .timeout(GUARD)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{mode}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("error: cannot connect to u@127.0.0.1")
                && stderr.contains("no answer within 1s (connect_timeout)"),
            "{stderr}"
        );
    }
}

#[test]
fn fleet_targets_that_never_answer_are_unreachable_within_connect_timeout() {
    let (_listener, port) = silent_server();
    let url = |db: &str| format!("postgres://u@127.0.0.1:{port}/{db}?connect_timeout=1");
    let output = lma_binary()
        .args(["status", "--format", "json"])
        .args(["--database-url", &url("a"), "--database-url", &url("b")])
        .timeout(GUARD)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Every target unreachable is exit 2 (src/fleet/status.rs).
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let targets = report["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 2, "{report}");
    for target in targets {
        assert_eq!(target["standing"], "unreachable", "{target}");
        let error = target["error"].as_str().unwrap();
        assert!(error.contains("no answer within 1s"), "{error}");
    }
}

/// URLs whose password was not percent-encoded, or is malformed, with the pieces of the
/// password that must never be printed.
fn malformed_urls(port: u16) -> Vec<(String, &'static [&'static str])> {
    let host = format!("127.0.0.1:{port}");
    vec![
        // libpq ends the user information at the first '@': the host would be 2Secret@….
        (
            format!("postgres://u:Hunter@2Secret@{host}/db"),
            &["Hunter", "2Secret"],
        ),
        (
            "postgres://u:Hunter@2Secret@localhost/db".to_owned(),
            &["Hunter", "2Secret"],
        ),
        (
            format!("postgres://u:Hunter@2Secret@{host}/db?sslmode=require"),
            &["Hunter", "2Secret"],
        ),
        (
            "postgres://u:Hunter@2Secret@h:notaport/db".to_owned(),
            &["Hunter", "2Secret"],
        ),
        (
            "postgres://u:Hunter@2Secret@h:1:2/db".to_owned(),
            &["Hunter", "2Secret"],
        ),
        (
            "postgres://u:Hunter@2Secret@[::1/db".to_owned(),
            &["Hunter", "2Secret"],
        ),
        // A '/' ends libpq's user information first: "u:12" would be host and port.
        (
            format!("postgres://u:12/terSecret@{host}/db"),
            &["terSecret"],
        ),
        (
            format!("postgres://u:Hun/terSecret@{host}/db"),
            &["Hun", "terSecret"],
        ),
        // libpq keeps '?', '#' and ':' in a password: these reach the (closed) port.
        (
            format!("postgres://u:Hun?terSecret@{host}/db"),
            &["Hun", "terSecret"],
        ),
        (
            format!("postgres://u:Hun#terSecret@{host}/db"),
            &["Hun", "terSecret"],
        ),
        (
            format!("postgres://u:Hun:terSecret@{host}/db"),
            &["Hun", "terSecret"],
        ),
        (
            format!("postgres://u:Hun%zzterSecret@{host}/db"),
            &["Hun", "terSecret"],
        ),
        (
            format!("postgres://u:Hun%00terSecret@{host}/db"),
            &["Hun", "terSecret"],
        ),
    ]
}

#[test]
fn no_error_shows_a_piece_of_a_password_however_the_url_is_malformed() {
    let port = closed_port();
    for (url, pieces) in malformed_urls(port) {
        let output = lma_binary()
            .args(["status", "--database-url", &url])
            .timeout(GUARD)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{url}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{url}: {stderr}");
        assert!(stderr.starts_with("error: "), "{url}: {stderr}");
        let printed = format!("{stderr}{}", String::from_utf8_lossy(&output.stdout));
        for piece in pieces {
            assert!(!printed.contains(piece), "{url} shows {piece:?}: {printed}");
        }
    }
}
