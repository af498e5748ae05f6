//! The lazy WASM chunks compressed against the main WASM: Compression Dictionary Transport
//! (RFC 9842), its `dcz` encoding (Zstandard with a raw dictionary).
//!
//! Every page loads the main WASM first; the pages' chunks are split from the same program,
//! so they share much of its bytes. The main WASM's answer names itself a dictionary
//! (`Use-As-Dictionary`); a browser that keeps it sends its SHA-256 with each later chunk
//! request (`Available-Dictionary`) and accepts `dcz`, and gets the chunk compressed
//! against it — a fifth smaller than brotli alone (docs/benchmarks.md). The build writes
//! `<chunk>.dcz` beside `<chunk>.br` (`server site compress-chunks`); browsers without
//! dictionaries get brotli or gzip as before.

use base64::Engine;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

/// A `dcz` file starts with this (a Zstandard skippable frame of 32 bytes), then the
/// dictionary's SHA-256, then the Zstandard frame (RFC 9842, "Dictionary-Compressed
/// Zstandard").
pub const DCZ_MAGIC: [u8; 8] = [0x5e, 0x2a, 0x4d, 0x18, 0x20, 0x00, 0x00, 0x00];
/// The magic and the hash: what precedes the Zstandard frame.
const HEADER_LEN: usize = DCZ_MAGIC.len() + 32;
/// The extension of the dictionary-compressed files and the content coding's name.
pub const DCZ: &str = "dcz";
/// Zstandard's level: the files are written once per build (all of a release site's
/// chunks in about a second on one core).
const LEVEL: i32 = 19;

/// Why the chunks couldn't be compressed.
#[derive(Debug, thiserror::Error)]
pub enum DictionaryError {
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> DictionaryError + '_ {
    move |e| DictionaryError::Io(path.display().to_string(), e)
}

/// The SHA-256 of a dictionary, as RFC 9842 identifies it.
pub fn hash_of(dictionary: &[u8]) -> [u8; 32] {
    Sha256::digest(dictionary).into()
}

/// The `Available-Dictionary` value a browser holding this dictionary sends: the hash as a
/// structured-field byte sequence (`:base64:`).
pub fn available_dictionary(hash: &[u8; 32]) -> String {
    format!(
        ":{}:",
        base64::engine::general_purpose::STANDARD.encode(hash)
    )
}

/// What [`compress_chunks`] wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Compressed {
    /// Chunks given a `.dcz`.
    pub files: usize,
    /// Their size as `dcz`, and the same chunks' brotli size (of those that have one).
    pub dcz_bytes: u64,
    pub brotli_bytes: u64,
}

/// Writes `<chunk>.dcz` for every WASM file in `pkg` but `dictionary_file` (the main
/// WASM), compressed against it, when it comes out smaller than the chunk's brotli;
/// removes any other `.dcz` (an earlier build's).
pub fn compress_chunks(pkg: &Path, dictionary_file: &str) -> Result<Compressed, DictionaryError> {
    let dict_path = pkg.join(dictionary_file);
    let dictionary = std::fs::read(&dict_path).map_err(io(&dict_path))?;
    let hash = hash_of(&dictionary);
    let mut compressor =
        zstd::bulk::Compressor::with_dictionary(LEVEL, &dictionary).map_err(io(&dict_path))?;
    // The directory listed once, before anything is written into it.
    let mut names = Vec::new();
    for entry in std::fs::read_dir(pkg).map_err(io(pkg))? {
        let path = entry.map_err(io(pkg))?.path();
        let extension = path.extension().and_then(|x| x.to_str());
        match (extension, path.file_name().and_then(|n| n.to_str())) {
            (Some(DCZ), _) => std::fs::remove_file(&path).map_err(io(&path))?,
            (Some("wasm"), Some(name)) if name != dictionary_file => names.push(name.to_string()),
            _ => {}
        }
    }
    let mut done = Compressed::default();
    for name in names {
        let path = pkg.join(&name);
        let chunk = std::fs::read(&path).map_err(io(&path))?;
        let mut dcz = Vec::with_capacity(HEADER_LEN + chunk.len() / 3);
        dcz.extend_from_slice(&DCZ_MAGIC);
        dcz.extend_from_slice(&hash);
        dcz.extend(compressor.compress(&chunk).map_err(io(&path))?);
        // Without a brotli copy (a build without `--precompress`), the chunk gets one anyway.
        let brotli = std::fs::metadata(pkg.join(format!("{name}.br")))
            .ok()
            .map(|m| m.len());
        if brotli.is_none_or(|b| (dcz.len() as u64) < b) {
            let out = pkg.join(format!("{name}.{DCZ}"));
            std::fs::write(&out, &dcz).map_err(io(&out))?;
            done.files += 1;
            done.dcz_bytes += dcz.len() as u64;
            done.brotli_bytes += brotli.unwrap_or(0);
        }
    }
    Ok(done)
}

/// The `.dcz` files in `pkg` whose chunk is there: each chunk's name and the hash of the
/// dictionary its copy was written against (read from the file's header).
pub fn written_chunks(pkg: &Path) -> Vec<(String, [u8; 32])> {
    let Ok(entries) = std::fs::read_dir(pkg) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let path = e.path();
            if path.extension().and_then(|x| x.to_str()) != Some(DCZ) {
                return None;
            }
            let name = path.file_stem()?.to_str()?.to_string();
            let mut head = [0u8; HEADER_LEN];
            std::fs::File::open(&path)
                .and_then(|mut f| f.read_exact(&mut head))
                .ok()?;
            let (magic, hash) = head.split_at(DCZ_MAGIC.len());
            let hash: [u8; 32] = hash.try_into().ok()?;
            (magic == DCZ_MAGIC && pkg.join(&name).is_file()).then_some((name, hash))
        })
        .collect()
}

/// The chunks a browser holding `hash` may be sent as `dcz`: those of `written` whose copy
/// was written against it (an earlier build's never are).
pub fn chunks_compressed_against(
    written: &[(String, [u8; 32])],
    hash: &[u8; 32],
) -> HashSet<String> {
    written
        .iter()
        .filter(|(_, against)| against == hash)
        .map(|(name, _)| name.clone())
        .collect()
}

/// Whether an `Accept-Encoding` value accepts `coding` (listed, and not with `q=0`).
pub fn accepts(accept_encoding: &str, coding: &str) -> bool {
    accept_encoding.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let named = parts.next().is_some_and(|c| c.eq_ignore_ascii_case(coding));
        let refused = parts.any(|p| {
            p.strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        named && !refused
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, body) in files {
            std::fs::write(dir.path().join(name), body).unwrap();
        }
        dir
    }

    /// A stand-in program: the chunk repeats much of it, as split code does.
    fn program() -> Vec<u8> {
        (0..4000u32)
            .flat_map(|i| (i * 7919 % 65_521).to_le_bytes())
            .collect()
    }

    #[test]
    fn a_chunk_comes_back_whole_from_its_dcz_with_the_dictionary_and_nothing_else() {
        let main = program();
        let chunk: Vec<u8> = main[4000..12_000]
            .iter()
            .chain(b"own code")
            .copied()
            .collect();
        let other: Vec<u8> = main[9000..15_000].to_vec();
        let dir = pkg(&[
            ("console.M.wasm", &main),
            ("chunk_1.C.wasm", &chunk),
            ("chunk_1.C.wasm.br", &vec![0; chunk.len()]),
            ("chunk_2.D.wasm", &other),
            ("chunk_2.D.wasm.br", &vec![0; other.len()]),
            ("chunk_0.GONE.wasm.dcz", b"an earlier build's"),
        ]);
        let done = compress_chunks(dir.path(), "console.M.wasm").unwrap();
        assert_eq!(done.files, 2);
        assert!(done.dcz_bytes < 400, "{done:?}");
        // Again (the next build): every chunk keeps its copy.
        assert_eq!(compress_chunks(dir.path(), "console.M.wasm").unwrap(), done);
        let dcz = std::fs::read(dir.path().join("chunk_1.C.wasm.dcz")).unwrap();
        assert_eq!(dcz[..8], DCZ_MAGIC);
        assert_eq!(dcz[8..40], hash_of(&main));
        let back = zstd::bulk::Decompressor::with_dictionary(&main)
            .unwrap()
            .decompress(&dcz[40..], chunk.len())
            .unwrap();
        assert_eq!(back, chunk);
        assert!(zstd::bulk::decompress(&dcz[40..], chunk.len()).is_err());
        // The main WASM is the dictionary, never compressed against itself; stale files go.
        assert!(!dir.path().join("console.M.wasm.dcz").exists());
        assert!(!dir.path().join("chunk_0.GONE.wasm.dcz").exists());
        let written = written_chunks(dir.path());
        let served = chunks_compressed_against(&written, &hash_of(&main));
        let both = ["chunk_1.C.wasm", "chunk_2.D.wasm"].map(String::from);
        assert_eq!(served, HashSet::from(both));
        assert!(chunks_compressed_against(&written, &hash_of(b"another build")).is_empty());
    }

    #[test]
    fn a_chunk_whose_dcz_is_no_smaller_than_its_brotli_keeps_brotli_only() {
        let main = program();
        let dir = pkg(&[
            ("console.M.wasm", &main),
            ("chunk_1.C.wasm", b"unrelated bytes"),
            ("chunk_1.C.wasm.br", b"tiny"),
        ]);
        assert_eq!(
            compress_chunks(dir.path(), "console.M.wasm").unwrap().files,
            0
        );
        assert!(!dir.path().join("chunk_1.C.wasm.dcz").exists());
    }

    #[test]
    fn a_chunk_without_a_brotli_copy_gets_its_dcz_all_the_same() {
        let main = program();
        let dir = pkg(&[("console.M.wasm", &main), ("chunk_1.C.wasm", &main[..8000])]);
        let done = compress_chunks(dir.path(), "console.M.wasm").unwrap();
        assert_eq!((done.files, done.brotli_bytes), (1, 0));
        assert!(dir.path().join("chunk_1.C.wasm.dcz").exists());
    }

    #[test]
    fn accept_encoding_lists_a_coding_unless_it_is_refused() {
        assert!(accepts("gzip, deflate, br, zstd, dcb, dcz", "dcz"));
        assert!(accepts("DCZ;q=0.5", "dcz"));
        assert!(!accepts("gzip, br, zstd", "dcz"));
        assert!(!accepts("dcz;q=0, br", "dcz"));
        assert!(!accepts("xdcz, dczz", "dcz"));
        assert!(!accepts("", "dcz"));
    }

    #[test]
    fn the_available_dictionary_value_is_the_hash_as_a_byte_sequence() {
        let hash = hash_of(b"");
        assert_eq!(
            available_dictionary(&hash),
            ":47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"
        );
    }
}
