//! Sizes for people, the way pg_size_pretty writes them: bytes up to 10 kB, then kB, MB, GB, TB.

/// `8192 bytes`, `16 kB`, `10 MB`: each unit is used until the number reaches 10240 of it.
#[must_use]
pub fn human_size(bytes: i64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes.abs() < 10 * 1024 {
        return format!("{bytes} bytes");
    }
    let mut size = bytes;
    for (position, unit) in UNITS.iter().enumerate() {
        // Round half up, as pg_size_pretty does.
        size = (size + size.signum() * 512) / 1024;
        if size.abs() < 10 * 1024 || position == UNITS.len() - 1 {
            return format!("{size} {unit}");
        }
    }
    unreachable!("the last unit always returns")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_pg_size_pretty() {
        assert_eq!(human_size(0), "0 bytes");
        assert_eq!(human_size(8192), "8192 bytes");
        assert_eq!(human_size(10 * 1024), "10 kB");
        assert_eq!(human_size(16_384), "16 kB");
        assert_eq!(human_size(5 * 1024 * 1024), "5120 kB");
        assert_eq!(human_size(10 * 1024 * 1024), "10 MB");
        assert_eq!(human_size(11 * 1024 * 1024), "11 MB");
        assert_eq!(human_size(5 << 40), "5120 GB");
        assert_eq!(human_size(20 << 40), "20 TB");
    }
}
