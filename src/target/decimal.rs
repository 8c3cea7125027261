//! Integers written in decimal without the formatting machinery (`write!` costs more
//! than the digits of a short number), shared by the backends' text writers.

/// Appends `n` in decimal.
pub(crate) fn push_decimal(out: &mut String, n: u64) {
    // Two digits at a time from a table of the pairs, most significant first: slices of
    // a `str` at ASCII positions need no UTF-8 check (converting a digit buffer does,
    // and a `push` per digit costs a capacity check each).
    const PAIRS: &str = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899";
    if n < 10 {
        let d = n as usize;
        out.push_str(&PAIRS[2 * d + 1..2 * d + 2]);
        return;
    }
    if n < 100 {
        let d = n as usize;
        out.push_str(&PAIRS[2 * d..2 * d + 2]);
        return;
    }
    // Longer: the leading part, then the last two digits.
    push_decimal(out, n / 100);
    let d = (n % 100) as usize;
    out.push_str(&PAIRS[2 * d..2 * d + 2]);
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
