//! `/sw.js`, generated at start-up from what the build produced: the pages of the app, the bundle
//! files the build named in its hash file, and every other file of the site. Its cache name is a
//! digest of those files, so each build gets a fresh cache and old ones are removed.

use leptos::config::LeptosOptions;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

const TEMPLATE: &str = include_str!("sw.js");

pub struct ServiceWorker {
    /// A digest of the build, which names the cache.
    pub version: String,
    pub precache: Vec<String>,
    pub script: String,
}

impl ServiceWorker {
    pub fn build(options: &LeptosOptions) -> std::io::Result<Self> {
        let site_root = PathBuf::from(options.site_root.as_ref());
        let files = site_files(options, &site_root)?;
        let mut digest = Sha256::new();
        digest.update(env!("CARGO_PKG_VERSION"));
        for (url, path) in &files {
            digest.update(url.as_bytes());
            digest.update(std::fs::read(path)?);
        }
        let version: String = digest
            .finalize()
            .iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect();
        let precache: Vec<String> = app::ROUTES
            .iter()
            .map(|route| route.to_string())
            .chain(files.into_iter().map(|(url, _)| url))
            .collect();
        let script = TEMPLATE.replace("__VERSION__", &version).replace(
            "\"__PRECACHE__\"",
            &serde_json::to_string(&precache).unwrap_or_default(),
        );
        Ok(ServiceWorker {
            version,
            precache,
            script,
        })
    }
}

/// The site's files as (URL, path), sorted. Under the bundle folder, only the current build's.
fn site_files(
    options: &LeptosOptions,
    site_root: &Path,
) -> std::io::Result<Vec<(String, PathBuf)>> {
    let pkg_dir = site_root.join(options.site_pkg_dir.as_ref());
    let bundle = current_bundle(options, &pkg_dir);
    let mut files = Vec::new();
    walk(site_root, &mut |path| {
        if let Ok(in_pkg) = path.strip_prefix(&pkg_dir) {
            // wasm-bindgen's snippets are named by their content already.
            let snippet = in_pkg.components().count() > 1;
            if !snippet && !bundle.contains(&in_pkg.to_string_lossy().to_string()) {
                return;
            }
        }
        if let Ok(relative) = path.strip_prefix(site_root) {
            let url = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
            // Compressed copies are the same files to the browser.
            let copy = [".br", ".gz", ".partial"].iter().any(|s| url.ends_with(s));
            if url != "/sw.js" && !copy {
                files.push((url, path.to_path_buf()));
            }
        }
    })?;
    files.sort();
    Ok(files)
}

/// The names of the current build's files in the bundle folder: the script, the wasm and the
/// style, and when the bundle is split (`cargo leptos build --split`), its loader, its manifest
/// and every part the manifest names. Hashed names come from the hash file cargo-leptos writes;
/// older builds' files may still lie beside them.
fn current_bundle(options: &LeptosOptions, pkg_dir: &Path) -> HashSet<String> {
    let output = options.output_name.as_ref();
    let hashes = if options.hash_files {
        current_hashes(options)
    } else {
        Vec::new()
    };
    let hash = |ext: &str| {
        hashes
            .iter()
            .find(|(name, _)| name == ext)
            .map(|(_, hash)| format!(".{hash}"))
    };
    let mut names = HashSet::new();
    for ext in ["js", "wasm", "css"] {
        if options.hash_files {
            names.extend(hash(ext).map(|hash| format!("{output}{hash}.{ext}")));
        } else {
            names.insert(format!("{output}.{ext}"));
            names.insert(format!("{output}_bg.{ext}"));
        }
    }
    let split = match hash("split") {
        Some(hash) => format!("__wasm_split{hash}.js"),
        None => "__wasm_split.______________________.js".to_string(),
    };
    let manifest = format!(
        "__wasm_split_manifest{}.json",
        hash("manifest").unwrap_or_default()
    );
    if let Ok(text) = std::fs::read_to_string(pkg_dir.join(&manifest)) {
        let parts: HashMap<String, Vec<String>> = serde_json::from_str(&text).unwrap_or_else(|e| {
            tracing::error!(%manifest, error = %e, "the split manifest is unreadable: its parts are not precached");
            HashMap::new()
        });
        // The manifest names each part without its extension.
        for part in parts.into_values().flatten() {
            names.insert(format!("{}.wasm", part.trim_start_matches("./")));
        }
        names.insert(split);
        names.insert(manifest);
    }
    names
}

/// The hash file cargo-leptos writes beside the binary: lines of `js: <hash>`, `wasm: …`, `css: …`,
/// and with a split bundle `manifest: …` and `split: …`.
fn current_hashes(options: &LeptosOptions) -> Vec<(String, String)> {
    let path = hash_file_path(options);
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(ext, hash)| (ext.trim().to_string(), hash.trim().to_string()))
        .collect()
}

pub fn hash_file_path(options: &LeptosOptions) -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_default()
        .join(options.hash_file.as_ref())
}

fn walk(dir: &Path, visit: &mut dyn FnMut(&Path)) -> std::io::Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, visit)?;
        } else {
            visit(&path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[&str]) -> PathBuf {
        let root = std::env::temp_dir().join(format!("pcmd-sw-{}", uuid::Uuid::new_v4().simple()));
        for file in files {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, file.as_bytes()).unwrap();
        }
        root
    }

    /// The worker of a site built with hashed names, as the hash file `hashes` names them.
    fn hashed_worker(root: &Path, hashes: &str) -> ServiceWorker {
        let hash_file = root.with_extension("hash.txt");
        std::fs::write(&hash_file, hashes).unwrap();
        let options = LeptosOptions::builder()
            .output_name("pcmd")
            .site_root(root.to_string_lossy().to_string())
            .hash_files(true)
            .hash_file(hash_file.to_string_lossy().to_string().into())
            .build();
        ServiceWorker::build(&options).unwrap()
    }

    #[test]
    fn only_the_current_hashed_bundle_is_precached() {
        let root = site(&[
            "pkg/pcmd.aaa.js",
            "pkg/pcmd.aaa.wasm",
            "pkg/pcmd.old.js",
            "pkg/pcmd.old.wasm",
            "pkg/pcmd.ccc.css",
            "pkg/snippets/x/inline0.js",
            "icons/icon-192.png",
            "manifest.webmanifest",
            "sw.js",
        ]);
        let worker = hashed_worker(&root, "js: aaa\nwasm: aaa\ncss: ccc\n");
        let files: Vec<&str> = worker
            .precache
            .iter()
            .map(String::as_str)
            .skip(app::ROUTES.len())
            .collect();
        assert_eq!(
            files,
            [
                "/icons/icon-192.png",
                "/manifest.webmanifest",
                "/pkg/pcmd.aaa.js",
                "/pkg/pcmd.aaa.wasm",
                "/pkg/pcmd.ccc.css",
                "/pkg/snippets/x/inline0.js",
            ]
        );
        assert_eq!(&worker.precache[..app::ROUTES.len()], app::ROUTES);
        assert!(worker
            .script
            .contains(&format!("const CACHE = \"pcmd-{}\";", worker.version)));
    }

    #[test]
    fn a_split_bundle_precaches_its_loader_manifest_and_every_part_of_this_build() {
        let manifest =
            r#"{"records_page_1":["chunk_1.h1","split_records_page_1.h2"],"sign_in_page_1":[]}"#;
        let root = site(&[
            "pkg/pcmd.aaa.js",
            "pkg/pcmd.aaa.wasm",
            "pkg/pcmd.ccc.css",
            "pkg/__wasm_split.sss.js",
            "pkg/__wasm_split.old.js",
            "pkg/chunk_1.h1.wasm",
            "pkg/chunk_1.old.wasm",
            "pkg/split_records_page_1.h2.wasm",
        ]);
        std::fs::write(root.join("pkg/__wasm_split_manifest.mmm.json"), manifest).unwrap();
        std::fs::write(root.join("pkg/__wasm_split_manifest.old.json"), manifest).unwrap();
        let worker = hashed_worker(
            &root,
            "js: aaa\nwasm: aaa\ncss: ccc\nmanifest: mmm\nsplit: sss\n",
        );
        let files: Vec<&str> = worker.precache[app::ROUTES.len()..]
            .iter()
            .map(String::as_str)
            .collect();
        assert_eq!(
            files,
            [
                "/pkg/__wasm_split.sss.js",
                "/pkg/__wasm_split_manifest.mmm.json",
                "/pkg/chunk_1.h1.wasm",
                "/pkg/pcmd.aaa.js",
                "/pkg/pcmd.aaa.wasm",
                "/pkg/pcmd.ccc.css",
                "/pkg/split_records_page_1.h2.wasm",
            ]
        );
    }
}
