//! The archive itself (blocking I/O, run on tokio's blocking pool): a gzip-compressed tar
//! (`tar` and `flate2`) whose first entry is the manifest, so that `restore` can refuse a
//! backup it cannot restore before writing anything.

use std::{
    fs::File,
    io::{BufReader, BufWriter, Read, Write},
    path::{Component, Path, PathBuf},
};

use flate2::{Compression, read::GzDecoder, write::GzEncoder};

use super::{CONFIG, DB_POSTGRES, DB_SQLITE, MANIFEST, MEDIA, Manifest, Progress, RESTORED_CONFIG, io};
use crate::error::{AppError, AppResult};

/// What goes into one archive.
pub(super) struct Plan {
    pub manifest: Manifest,
    pub db_entry: &'static str,
    pub db_file: PathBuf,
    pub media_dir: PathBuf,
    /// Paths relative to `media_dir`, with their sizes.
    pub media: Vec<(PathBuf, u64)>,
    pub config_file: Option<PathBuf>,
}

/// Where `extract` puts things.
pub(super) struct Targets {
    /// The SQLite file, or where the PostgreSQL dump waits for `pg_restore`.
    pub database: PathBuf,
    pub data_dir: PathBuf,
}

/// Every regular file under `dir` (none when it does not exist), relative to it, sorted.
pub(super) fn list_files(dir: &Path) -> AppResult<Vec<(PathBuf, u64)>> {
    let mut out = Vec::new();
    if dir.is_dir() {
        walk(dir, Path::new(""), &mut out)?;
    }
    out.sort();
    Ok(out)
}

fn walk(root: &Path, rel: &Path, out: &mut Vec<(PathBuf, u64)>) -> AppResult<()> {
    let dir = root.join(rel);
    for entry in std::fs::read_dir(&dir).map_err(io(&dir))? {
        let entry = entry.map_err(io(&dir))?;
        let kind = entry.file_type().map_err(io(&dir))?;
        let rel = rel.join(entry.file_name());
        if kind.is_dir() {
            walk(root, &rel, out)?;
        } else if kind.is_file() {
            let len = entry.metadata().map_err(io(&dir))?.len();
            out.push((rel, len));
        }
    }
    Ok(())
}

/// Reports bytes read to the progress.
struct Counted<'a, R> {
    inner: R,
    progress: &'a dyn Progress,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

fn append_file(tar: &mut tar::Builder<impl Write>, name: &str, file: &Path, progress: &dyn Progress) -> AppResult<()> {
    let f = File::open(file).map_err(io(file))?;
    let meta = f.metadata().map_err(io(file))?;
    let mut header = tar::Header::new_gnu();
    header.set_metadata(&meta);
    header.set_mode(0o600);
    tar.append_data(&mut header, name, Counted { inner: BufReader::new(f), progress }).map_err(io(file))
}

pub(super) fn write(out: &Path, plan: &Plan, progress: &dyn Progress) -> AppResult<()> {
    let file = create_private(out)?;
    let mut tar = tar::Builder::new(GzEncoder::new(BufWriter::new(file), Compression::default()));
    let manifest = serde_json::to_vec_pretty(&plan.manifest).map_err(AppError::internal)?;
    let mut header = tar::Header::new_gnu();
    header.set_size(manifest.len() as u64);
    header.set_mode(0o600);
    header.set_mtime(chrono::Utc::now().timestamp().max(0) as u64);
    tar.append_data(&mut header, MANIFEST, manifest.as_slice()).map_err(io(out))?;
    let db_len = std::fs::metadata(&plan.db_file).map_err(io(&plan.db_file))?.len();
    let media_len: u64 = plan.media.iter().map(|(_, n)| n).sum();
    progress.begin("archive", Some(db_len + media_len));
    append_file(&mut tar, plan.db_entry, &plan.db_file, progress)?;
    for (rel, _) in &plan.media {
        let name = Path::new(MEDIA).join(rel);
        let name = name.to_str().ok_or_else(|| AppError::Internal(format!("{}: not UTF-8", rel.display())))?;
        append_file(&mut tar, name, &plan.media_dir.join(rel), progress)?;
    }
    if let Some(config) = &plan.config_file {
        append_file(&mut tar, CONFIG, config, progress)?;
    }
    let gz = tar.into_inner().map_err(io(out))?;
    let mut w = gz.finish().map_err(io(out))?;
    w.flush().map_err(io(out))?;
    w.into_inner().map_err(|e| io(out)(e.into_error()))?.sync_all().map_err(io(out))?;
    progress.end("archive");
    Ok(())
}

/// A new file only its owner reads: a backup holds every key and every signatory's data.
fn create_private(path: &Path) -> AppResult<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(io(path))
}

fn open(file: &Path) -> AppResult<tar::Archive<GzDecoder<BufReader<File>>>> {
    let f = File::open(file).map_err(io(file))?;
    Ok(tar::Archive::new(GzDecoder::new(BufReader::new(f))))
}

/// The archive, its compressed bytes counted as they are read.
fn open_counted<'a>(
    file: &Path,
    progress: &'a dyn Progress,
) -> AppResult<tar::Archive<GzDecoder<Counted<'a, BufReader<File>>>>> {
    let f = File::open(file).map_err(io(file))?;
    Ok(tar::Archive::new(GzDecoder::new(Counted { inner: BufReader::new(f), progress })))
}

fn not_a_backup(file: &Path, why: impl std::fmt::Display) -> AppError {
    AppError::BadRequest(format!("{} is not a Maillage backup ({why})", file.display()))
}

/// The manifest, read from the archive's first entry.
pub(super) fn read_manifest(file: &Path) -> AppResult<Manifest> {
    let mut archive = open(file)?;
    let mut entries = archive.entries().map_err(|e| not_a_backup(file, e))?;
    let mut first = match entries.next() {
        Some(entry) => entry.map_err(|e| not_a_backup(file, e))?,
        None => return Err(not_a_backup(file, "empty archive")),
    };
    let name = first.path().map_err(|e| not_a_backup(file, e))?.to_string_lossy().into_owned();
    if name != MANIFEST {
        return Err(not_a_backup(file, format!("its first entry is {name}, not {MANIFEST}")));
    }
    let mut text = Vec::new();
    first.by_ref().take(1 << 20).read_to_end(&mut text).map_err(|e| not_a_backup(file, e))?;
    serde_json::from_slice(&text).map_err(|e| not_a_backup(file, e))
}

/// A relative path without `..`, root or prefix: an entry never escapes the data directory.
fn safe_relative(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

/// Writes every entry where it belongs; an entry of no known kind is an error.
pub(super) fn extract(file: &Path, to: &Targets, progress: &dyn Progress) -> AppResult<()> {
    let total = std::fs::metadata(file).map_err(io(file))?.len();
    progress.begin("extract", Some(total));
    let mut archive = open_counted(file, progress)?;
    for entry in archive.entries().map_err(|e| not_a_backup(file, e))? {
        let mut entry = entry.map_err(|e| not_a_backup(file, e))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry.path().map_err(|e| not_a_backup(file, e))?.into_owned();
        let dest = if name == Path::new(MANIFEST) {
            continue;
        } else if name == Path::new(DB_SQLITE) || name == Path::new(DB_POSTGRES) {
            to.database.clone()
        } else if name == Path::new(CONFIG) {
            to.data_dir.join(RESTORED_CONFIG)
        } else if let Ok(rel) = name.strip_prefix(MEDIA)
            && let Some(rel) = safe_relative(rel)
        {
            to.data_dir.join(MEDIA).join(rel)
        } else {
            return Err(not_a_backup(file, format!("unexpected entry {}", name.display())));
        };
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        let mut out = create_private(&dest)?;
        std::io::copy(&mut entry, &mut out).map_err(io(&dest))?;
        out.sync_all().map_err(io(&dest))?;
    }
    progress.end("extract");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_never_leave_the_data_directory() {
        assert_eq!(safe_relative(Path::new("a/b.png")), Some(PathBuf::from("a/b.png")));
        assert_eq!(safe_relative(Path::new("./a.png")), Some(PathBuf::from("a.png")));
        assert_eq!(safe_relative(Path::new("../etc/passwd")), None);
        assert_eq!(safe_relative(Path::new("a/../../x")), None);
        assert_eq!(safe_relative(Path::new("/etc/passwd")), None);
        assert_eq!(safe_relative(Path::new("")), None);
    }
}
