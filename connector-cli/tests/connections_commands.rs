//! `connector connections …` and `connector demo --store`: the demo's connection kept in a
//! SQLite file holds no External ID in clear, the operator commands list, show, disconnect,
//! remove and rekey it, bad values name their flags, and the default store and key file are
//! created under the data directory with the key readable by its owner alone.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "tests may panic"
)]

use std::path::Path;
use std::process::{Command, Output};

const KEY_LINE: &str = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n";

fn connector(args: &[&str], data_home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_connector"))
        .args(args)
        .env("XDG_DATA_HOME", data_home)
        .env("HOME", data_home)
        .env_remove("CONNECTOR_STORE_KEYS")
        .output()
        .unwrap()
}

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_web_identity_connection_is_kept_sealed_with_its_kind() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    std::fs::write(&keys, KEY_LINE).unwrap();
    let store = format!("sqlite:{}", dir.path().join("db").join("c.db").display());
    let keys = keys.to_str().unwrap();
    let common = ["--store", store.as_str(), "--keys-file", keys];
    let demo = json(&connector(
        &[&["demo", "--oidc", "--json"][..], &common[..]].concat(),
        dir.path(),
    ));
    assert_eq!(demo["completed"], true);
    // The subject and the role name are sealed like every identifier.
    for entry in std::fs::read_dir(dir.path().join("db")).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("org/acme"));
        assert!(!text.contains("AcmeConnector"));
    }
    let listed = json(&connector(
        &[&["connections", "list", "--json"][..], &common[..]].concat(),
        dir.path(),
    ));
    let connection = &listed["connections"][0];
    assert_eq!(connection["state"], "disconnected");
    assert_eq!(connection["kind"]["type"], "web_identity");
    assert_eq!(connection["kind"]["subject"], "org/acme");
}

#[test]
fn the_demo_keeps_its_connection_sealed_and_the_operator_commands_act_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    std::fs::write(&keys, KEY_LINE).unwrap();
    let store = format!("sqlite:{}", dir.path().join("db").join("c.db").display());
    let keys = keys.to_str().unwrap();
    let common = ["--store", store.as_str(), "--keys-file", keys];

    let demo = json(&connector(
        &[&["demo", "--json"][..], &common[..]].concat(),
        dir.path(),
    ));
    assert_eq!(demo["completed"], true);
    let steps = demo["steps"].as_array().unwrap();
    let external_id = steps[0]["details"][0]
        .as_str()
        .unwrap()
        .strip_prefix("External ID: ")
        .unwrap()
        .to_owned();
    assert_eq!(external_id.len(), 32);
    assert_eq!(steps.last().unwrap()["step"], "kept");

    // Nothing in the database directory (file, WAL, shared memory) holds the External ID or
    // the role name.
    let mut files = 0;
    for entry in std::fs::read_dir(dir.path().join("db")).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(&external_id));
        assert!(!text.contains("AcmeConnector"));
        files += 1;
    }
    assert!(files >= 1);

    let listed = json(&connector(
        &[&["connections", "list", "--json"][..], &common[..]].concat(),
        dir.path(),
    ));
    let connections = listed["connections"].as_array().unwrap();
    assert_eq!(connections.len(), 1);
    assert_eq!(connections[0]["state"], "disconnected");
    assert_eq!(connections[0]["external_id"], external_id.as_str());
    let id = connections[0]["id"].as_str().unwrap().to_owned();

    // Filtered by state.
    let active = json(&connector(
        &[
            &["connections", "list", "--json", "--state", "active"][..],
            &common[..],
        ]
        .concat(),
        dir.path(),
    ));
    assert_eq!(active["connections"].as_array().unwrap().len(), 0);

    let shown = json(&connector(
        &[
            &["connections", "show", id.as_str(), "--json"][..],
            &common[..],
        ]
        .concat(),
        dir.path(),
    ));
    assert_eq!(
        shown["role_arn"],
        "arn:aws:iam::111122223333:role/AcmeConnector"
    );

    // Already disconnected: a second disconnect is refused and changes nothing.
    let again = connector(
        &[&["connections", "disconnect", id.as_str()][..], &common[..]].concat(),
        dir.path(),
    );
    assert_eq!(again.status.code(), Some(1));
    let removed = json(&connector(
        &[
            &["connections", "remove", id.as_str(), "--json"][..],
            &common[..],
        ]
        .concat(),
        dir.path(),
    ));
    assert_eq!(removed["state"], "removed");

    // A new current key, the old one retired: rekey rewrites the record; then the new key
    // alone reads it.
    let rotated = dir.path().join("rotated");
    std::fs::write(
        &rotated,
        format!("k2:Hx4dHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=\n{KEY_LINE}"),
    )
    .unwrap();
    let rekey_args = [
        "--store",
        store.as_str(),
        "--keys-file",
        rotated.to_str().unwrap(),
    ];
    let report = json(&connector(
        &[&["connections", "rekey", "--json"][..], &rekey_args[..]].concat(),
        dir.path(),
    ));
    assert_eq!(report["rewritten"], 1);
    let new_only = dir.path().join("new-only");
    std::fs::write(
        &new_only,
        "k2:Hx4dHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=\n",
    )
    .unwrap();
    let after = json(&connector(
        &[
            "connections",
            "show",
            id.as_str(),
            "--json",
            "--store",
            store.as_str(),
            "--keys-file",
            new_only.to_str().unwrap(),
        ],
        dir.path(),
    ));
    assert_eq!(after["state"], "removed");

    // The old key alone no longer opens it: refused, not misread.
    let old_only = connector(
        &[&["connections", "show", id.as_str()][..], &common[..]].concat(),
        dir.path(),
    );
    assert_eq!(old_only.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&old_only.stderr).contains("cannot be read"));
}

#[test]
fn bad_values_name_their_flags() {
    let dir = tempfile::tempdir().unwrap();
    for (args, flag) in [
        (
            &["connections", "list", "--store", "mysql://db/x"][..],
            "--store",
        ),
        (&["connections", "list", "--limit", "0"][..], "--limit"),
        (&["connections", "list", "--limit", "-3"][..], "--limit"),
        (&["connections", "list", "--state", "happy"][..], "--state"),
        (
            &["connections", "list", "--cursor", "not a cursor"][..],
            "--cursor",
        ),
        (&["connections", "show", "bad id!"][..], "ID"),
        (&["demo", "--store", "dynamodb://x"][..], "--store"),
    ] {
        let output = connector(args, dir.path());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
    }
    // A Postgres URL's password is never echoed.
    let output = connector(
        &[
            "connections",
            "list",
            "--store",
            "postgres://u:s3cret@127.0.0.1:9/db",
        ],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&output.stderr).contains("s3cret"));
}

#[test]
fn the_default_store_and_key_file_live_in_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let listed = json(&connector(&["connections", "list", "--json"], dir.path()));
    assert_eq!(listed["connections"].as_array().unwrap().len(), 0);
    let keys = dir.path().join("connector").join("store.keys");
    assert!(dir.path().join("connector").join("connections.db").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&keys).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The same key is used on the next run (the store opens and lists again).
    let first_key = std::fs::read_to_string(&keys).unwrap();
    json(&connector(&["connections", "list", "--json"], dir.path()));
    assert_eq!(std::fs::read_to_string(&keys).unwrap(), first_key);
}
