//! SQL laid out for reading (placeholder).

/// `sql` laid out at `width` columns.
pub fn layout(sql: &str, _width: usize) -> String {
    sql.to_owned()
}
