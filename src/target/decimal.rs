//! Integers written in decimal without the formatting machinery (`write!` costs more
//! than the digits of a short number), shared by the backends' text writers.

/// The decimal digits of `n` (no sign, no leading zeros, `0` for zero), written at the
/// end of `buf`.
pub(crate) fn digits(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[at..];
        }
    }
}

/// Appends `n` in decimal.
pub(crate) fn push_decimal(out: &mut String, n: u64) {
    let mut buf = [0; 20];
    // One copy of the digits: a `push` per digit costs a capacity check and a UTF-8
    // encode each. Only ASCII digits were written, so the conversion cannot fail.
    out.push_str(std::str::from_utf8(digits(n, &mut buf)).unwrap_or_default());
}

/// Appends `n` in decimal, with a `-` when negative (as `i64`'s `Display` writes it).
pub(crate) fn push_signed(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_decimal(out, n.unsigned_abs());
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn decimals_are_rusts(n in prop_oneof![any::<u64>(), 0u64..1000]) {
            let mut s = String::new();
            push_decimal(&mut s, n);
            prop_assert_eq!(s, n.to_string());
        }
    }

    #[test]
    fn signed_edges() {
        for n in [0, -1, 7, -10, i64::MIN, i64::MAX] {
            let mut s = String::new();
            push_signed(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }

    #[test]
    fn decimal_edges() {
        for n in [0, 7, 10, 99, 12345, u64::MAX] {
            let mut s = String::new();
            push_decimal(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }
}
