//! Brotli (quality 11) and gzip (level 9) copies of the bundle files, made once per build when the
//! server starts, so that a first visit on a slow network downloads as little as possible without
//! compressing the same megabyte again on every request.

use std::io::Write;
use std::path::{Path, PathBuf};
use tower_http::services::ServeDir;

const COMPRESSIBLE: [&str; 3] = ["wasm", "js", "css"];

/// Serves the bundle folder, preferring the compressed copies the browser accepts.
pub fn service(pkg_dir: &Path) -> ServeDir {
    ServeDir::new(pkg_dir)
        .precompressed_br()
        .precompressed_gzip()
}

/// Writes the missing `.br` and `.gz` copies beside each bundle file.
pub fn compress_missing(pkg_dir: &Path) -> std::io::Result<usize> {
    let mut written = 0;
    for entry in std::fs::read_dir(pkg_dir)? {
        let path = entry?.path();
        let compressible = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| COMPRESSIBLE.contains(&e));
        if !compressible {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        for (suffix, compress) in [
            ("br", brotli_best as fn(&[u8]) -> Vec<u8>),
            ("gz", gzip_best),
        ] {
            let target = with_suffix(&path, suffix);
            if !target.exists() {
                // Write then rename, so a concurrent request never reads half a file.
                let partial = with_suffix(&path, &format!("{suffix}.partial"));
                std::fs::write(&partial, compress(&bytes))?;
                std::fs::rename(&partial, &target)?;
                written += 1;
            }
        }
    }
    Ok(written)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

fn brotli_best(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 3);
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        size_hint: bytes.len(),
        ..Default::default()
    };
    // Writing into a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut out, &params);
    out
}

fn gzip_best(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn bundle_files_get_compressed_copies_that_decompress_to_the_original() {
        let dir = std::env::temp_dir().join(format!("pcmd-pre-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let wasm: Vec<u8> = (0..50_000u32).map(|i| (i % 7) as u8).collect();
        std::fs::write(dir.join("app.wasm"), &wasm).unwrap();
        std::fs::write(dir.join("notes.txt"), "not a bundle file").unwrap();

        assert_eq!(compress_missing(&dir).unwrap(), 2);
        assert_eq!(compress_missing(&dir).unwrap(), 0, "made once per build");
        assert!(!dir.join("notes.txt.br").exists());

        let br = std::fs::read(dir.join("app.wasm.br")).unwrap();
        assert!(br.len() < wasm.len() / 10);
        let mut unbrotli = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut unbrotli).unwrap();
        assert_eq!(unbrotli, wasm);
        let mut ungzip = Vec::new();
        flate2::read::GzDecoder::new(&std::fs::read(dir.join("app.wasm.gz")).unwrap()[..])
            .read_to_end(&mut ungzip)
            .unwrap();
        assert_eq!(ungzip, wasm);
    }
}
