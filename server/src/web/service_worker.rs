//! `/sw.js`, generated at start-up from what the build produced: the pages of the app, the bundle
//! files the build named in its hash file, and every other file of the site. Its cache name is a
//! digest of those files, so each build gets a fresh cache and old ones are removed.

use leptos::config::LeptosOptions;
use sha2::{Digest, Sha256};
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
    let mut files = Vec::new();
    walk(site_root, &mut |path| {
        if path.starts_with(&pkg_dir) && !is_current_bundle_file(options, &pkg_dir, path) {
            return;
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

fn is_current_bundle_file(options: &LeptosOptions, pkg_dir: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(pkg_dir) else {
        return false;
    };
    if relative.components().count() > 1 {
        return true; // wasm-bindgen snippets, named by content already
    }
    let name = relative.to_string_lossy();
    let output = options.output_name.as_ref();
    if !options.hash_files {
        return name.starts_with(output);
    }
    current_hashes(options)
        .iter()
        .any(|(ext, hash)| name == format!("{output}.{hash}.{ext}").as_str())
}

/// The hash file cargo-leptos writes beside the binary: lines of `js: <hash>`, `wasm: …`, `css: …`.
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
        let hash_file = root.with_extension("hash.txt");
        std::fs::write(&hash_file, "js: aaa\nwasm: aaa\ncss: ccc\n").unwrap();
        let options = LeptosOptions::builder()
            .output_name("pcmd")
            .site_root(root.to_string_lossy().to_string())
            .hash_files(true)
            .hash_file(hash_file.to_string_lossy().to_string().into())
            .build();
        let worker = ServiceWorker::build(&options).unwrap();
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
}
