//! Uploaded images (announcements): recognised by their content, never by their name or the
//! type the browser claims; decoded within bounds, shrunk to fit [`MAX_SIDE`], re-encoded (which
//! drops whatever else the file carried: metadata with places and names, scripts in SVG-like
//! tricks, trailing data), and kept under `<data_dir>/media/` named by the hash of what is
//! stored, so the same picture is one file and a name can be cached for ever
//! (docs/admin.md, "Media").

use std::{io::Cursor, path::PathBuf};

use image::{DynamicImage, ImageFormat, ImageReader, Limits, imageops::FilterType};

use crate::error::{AppError, AppResult};

/// Largest file accepted (bytes).
pub const MAX_UPLOAD: usize = 8 * 1024 * 1024;
/// Longest side once stored (pixels): what timelines and pages show, at most.
pub const MAX_SIDE: u32 = 1600;
/// Largest picture decoded (pixels per side): beyond, a small file could ask for gigabytes.
const MAX_DECODED_SIDE: u32 = 12_000;

/// Why an upload is refused (a field error beside the image field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaError {
    /// Over [`MAX_UPLOAD`].
    TooLarge,
    /// Not a PNG, JPEG, WebP or GIF image we can read.
    NotAnImage,
}

impl MediaError {
    /// The Fluent key of its message.
    pub fn key(self) -> &'static str {
        match self {
            MediaError::TooLarge => "announcement-image-too-large",
            MediaError::NotAnImage => "announcement-image-invalid",
        }
    }
}

/// An image ready to store.
#[derive(Debug, Clone)]
pub struct Image {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
    /// `<sha256>.<ext>`.
    pub name: String,
}

/// Decodes `upload` (its format from its first bytes), shrinks and re-encodes it: JPEG, or PNG
/// when it has transparency.
pub fn prepare(upload: &[u8]) -> Result<Image, MediaError> {
    if upload.len() > MAX_UPLOAD {
        return Err(MediaError::TooLarge);
    }
    let mut reader = ImageReader::new(Cursor::new(upload)).with_guessed_format().map_err(|_| MediaError::NotAnImage)?;
    if !matches!(reader.format(), Some(ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP | ImageFormat::Gif)) {
        return Err(MediaError::NotAnImage);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODED_SIDE);
    limits.max_image_height = Some(MAX_DECODED_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|_| MediaError::NotAnImage)?;
    let img = if img.width() > MAX_SIDE || img.height() > MAX_SIDE {
        img.resize(MAX_SIDE, MAX_SIDE, FilterType::Triangle)
    } else {
        img
    };
    let (width, height) = (img.width(), img.height());
    let mut out = Cursor::new(Vec::new());
    let (content_type, ext) = if img.color().has_alpha() {
        DynamicImage::ImageRgba8(img.to_rgba8())
            .write_to(&mut out, ImageFormat::Png)
            .map_err(|_| MediaError::NotAnImage)?;
        ("image/png", "png")
    } else {
        let rgb = img.to_rgb8();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
            .encode_image(&rgb)
            .map_err(|_| MediaError::NotAnImage)?;
        ("image/jpeg", "jpg")
    };
    let bytes = out.into_inner();
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &bytes);
    let hash: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    Ok(Image { bytes, content_type, width, height, name: format!("{hash}.{ext}") })
}

/// The folder of stored media.
pub fn dir(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("media")
}

/// A stored file's path, when `name` is one of ours (`<64 hex>.<jpg|png>`): nothing else is
/// ever opened.
pub fn path_of(data_dir: &std::path::Path, name: &str) -> Option<PathBuf> {
    let (hash, ext) = name.split_once('.')?;
    let ok = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) && matches!(ext, "jpg" | "png");
    ok.then(|| dir(data_dir).join(name))
}

/// Writes the image (before the change that refers to it: a file no row names is harmless,
/// a row naming no file is not). Written under a temporary name, then renamed: a reader never
/// sees half a file.
pub async fn store(data_dir: &std::path::Path, img: &Image) -> AppResult<()> {
    write(data_dir, &img.name, &img.bytes).await
}

/// Writes a file received whole (the images of a territory moving here): only under one of our
/// names, and only when the bytes are what the name says (it is their SHA-256), so that an
/// export cannot put anything else in the folder nor replace an image another row names.
pub async fn store_file(data_dir: &std::path::Path, name: &str, bytes: &[u8]) -> AppResult<()> {
    if path_of(data_dir, name).is_none() {
        return Err(AppError::BadRequest(format!("not a media file name: {name}")));
    }
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes);
    let hash: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    if !name.to_ascii_lowercase().starts_with(&hash) {
        return Err(AppError::BadRequest(format!("media file {name}: its bytes do not match its name")));
    }
    write(data_dir, name, bytes).await
}

async fn write(data_dir: &std::path::Path, name: &str, bytes: &[u8]) -> AppResult<()> {
    let dir = dir(data_dir);
    tokio::fs::create_dir_all(&dir).await.map_err(|e| AppError::Internal(format!("media folder: {e}")))?;
    let path = dir.join(name);
    if tokio::fs::try_exists(&path).await.unwrap_or(false) {
        return Ok(());
    }
    let tmp = dir.join(format!(".{name}.{}", uuid::Uuid::new_v4()));
    tokio::fs::write(&tmp, bytes).await.map_err(|e| AppError::Internal(format!("media write: {e}")))?;
    tokio::fs::rename(&tmp, &path).await.map_err(|e| AppError::Internal(format!("media rename: {e}")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32, alpha: bool) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let img = if alpha {
            DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(w, h, image::Rgba([10, 200, 30, 128])))
        } else {
            DynamicImage::ImageRgb8(image::RgbImage::from_pixel(w, h, image::Rgb([10, 200, 30])))
        };
        img.write_to(&mut out, ImageFormat::Png).expect("png");
        out.into_inner()
    }

    #[test]
    fn large_images_shrink_and_are_re_encoded() {
        let img = prepare(&png(3200, 1000, false)).expect("image");
        assert_eq!((img.width, img.height), (1600, 500));
        assert_eq!(img.content_type, "image/jpeg");
        assert!(img.bytes.starts_with(&[0xff, 0xd8, 0xff]));
        assert!(img.name.ends_with(".jpg") && img.name.len() == 64 + 4);
        let small = prepare(&png(40, 30, true)).expect("image");
        assert_eq!((small.width, small.height, small.content_type), (40, 30, "image/png"));
    }

    #[tokio::test]
    async fn received_files_are_kept_only_under_their_own_hash() {
        let dir = tempfile::tempdir().expect("dir");
        let img = prepare(&png(40, 30, false)).expect("image");
        store_file(dir.path(), &img.name, &img.bytes).await.expect("its own name");
        assert_eq!(std::fs::read(dir.path().join("media").join(&img.name)).expect("written"), img.bytes);
        let other = format!("{}.png", "b".repeat(64));
        assert!(store_file(dir.path(), &other, &img.bytes).await.is_err(), "bytes under another name");
        assert!(store_file(dir.path(), "../../evil.png", &img.bytes).await.is_err(), "not one of our names");
        assert!(!dir.path().join("media").join(&other).exists());
    }

    #[test]
    fn sniffed_by_content_not_by_name() {
        assert_eq!(prepare(b"<svg xmlns='http://www.w3.org/2000/svg'/>").err(), Some(MediaError::NotAnImage));
        assert_eq!(prepare(b"GIF89a broken").err(), Some(MediaError::NotAnImage));
        assert_eq!(prepare(&vec![0u8; MAX_UPLOAD + 1]).err(), Some(MediaError::TooLarge));
        assert!(path_of(std::path::Path::new("/d"), "../etc/passwd").is_none());
        assert!(path_of(std::path::Path::new("/d"), &format!("{}.jpg", "a".repeat(64))).is_some());
    }
}
