use super::*;

#[test]
fn record_layout() {
    assert_eq!(dirent64_len(1), 24); // 19 + 1 + NUL -> 24
    assert_eq!(dirent64_len(5), 32); // 19 + 5 + 1 = 25 -> 32
    let mut buf = [0xffu8; 32];
    assert_eq!(encode_dirent64(&mut buf, 7, 3, 8, b"hello"), Some(32));
    assert_eq!(u64::from_ne_bytes(buf[0..8].try_into().unwrap()), 7);
    assert_eq!(i64::from_ne_bytes(buf[8..16].try_into().unwrap()), 3);
    assert_eq!(u16::from_ne_bytes(buf[16..18].try_into().unwrap()), 32);
    assert_eq!(buf[18], 8);
    assert_eq!(&buf[19..25], b"hello\0");
    assert!(buf[25..].iter().all(|&b| b == 0));
}

#[test]
fn too_small() {
    let mut buf = [0u8; 23];
    assert_eq!(encode_dirent64(&mut buf, 1, 1, 4, b"a"), None);
}
