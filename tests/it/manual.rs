//! `lma completions` and `lma man`: generated from the command line's definition, on stdout.

use predicates::prelude::*;

use crate::support::lma_binary;

fn stdout_of(args: &[&str]) -> String {
    let output = lma_binary().args(args).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stderr.is_empty(), "{args:?} printed on stderr");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn every_shell_gets_a_completion_script_that_knows_the_commands_and_flags() {
    for (shell, marker) in [
        ("bash", "complete -F _lma"),
        ("zsh", "#compdef lma"),
        ("fish", "complete -c lma"),
        ("elvish", "edit:completion:arg-completer[lma]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: no {marker:?}");
        for word in ["migrate", "drift", "min-table-pages"] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
    }
}

/// bash itself must accept the script: a syntax error would break every new shell.
#[test]
fn the_bash_script_is_valid_bash() {
    let script = stdout_of(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lma.bash");
    std::fs::write(&path, script).unwrap();
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success(), "bash -n refused the script");
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    lma_binary()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with("error: invalid value 'tcsh'"));
}

#[test]
fn the_man_page_documents_the_commands_and_exit_codes() {
    let page = stdout_of(&["man"]);
    assert!(page.contains(".TH lma 1"), "no title header");
    for word in ["migrate", "indexes", "findings"] {
        assert!(page.contains(word), "no {word}");
    }
}

#[test]
fn man_with_a_directory_writes_a_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let printed = stdout_of(&["man", "--dir", out.to_str().unwrap()]);
    assert!(printed.is_empty(), "the pages go to files");
    for page in ["lma.1", "lma-migrate.1", "lma-check.1", "lma-completions.1"] {
        let text = std::fs::read_to_string(out.join(page)).unwrap_or_default();
        assert!(text.contains(".TH"), "{page} missing or empty");
    }
}

#[test]
fn a_completion_script_has_no_json_form() {
    lma_binary()
        .args(["completions", "bash", "--format", "json"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with("error: --format json"));
}
