//! Detects Chromium and chromedriver so that the browser tests run where they are installed
//! and are reported as ignored (with the reason) where they are not.

fn exists(p: &str) -> bool {
    std::path::Path::new(p).exists()
}

fn main() {
    println!("cargo::rustc-check-cfg=cfg(has_chromium)");
    // Installing a package changes /usr/bin: detect again then.
    println!("cargo::rerun-if-changed=/usr/bin");
    println!("cargo::rerun-if-env-changed=MAILLAGE_CHROMIUM");
    let chromium = std::env::var("MAILLAGE_CHROMIUM").map(|p| exists(&p)).unwrap_or(false)
        || exists("/usr/bin/chromium")
        || exists("/usr/bin/chromium-browser");
    if chromium && exists("/usr/bin/chromedriver") {
        println!("cargo::rustc-cfg=has_chromium");
    }
}
