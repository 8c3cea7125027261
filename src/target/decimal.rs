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
    for &d in digits(n, &mut buf) {
        out.push(char::from(d));
    }
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
    fn decimal_edges() {
        for n in [0, 7, 10, 99, 12345, u64::MAX] {
            let mut s = String::new();
            push_decimal(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }
}
