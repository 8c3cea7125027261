//! [`SqlParam`] bound through the database drivers, one optional feature each. What
//! each variant binds as is tabled on [`SqlParam`].

#[cfg(any(feature = "rusqlite", feature = "postgres", feature = "mysql"))]
use super::SqlParam;

#[cfg(feature = "rusqlite")]
mod sqlite {
    use super::SqlParam;
    use rusqlite::types::{ToSql, ToSqlOutput, Value, ValueRef};

    impl ToSql for SqlParam {
        fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
            Ok(match self {
                SqlParam::Null => ToSqlOutput::Owned(Value::Null),
                SqlParam::Bool(b) => ToSqlOutput::Owned(Value::Integer(i64::from(*b))),
                SqlParam::Int(i) => ToSqlOutput::Owned(Value::Integer(*i)),
                SqlParam::Float(x) => ToSqlOutput::Owned(Value::Real(*x)),
                SqlParam::Text(t) | SqlParam::Json(t) => {
                    ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes()))
                }
                // SQLite has no datetime type: the storage model keeps datetimes as this
                // text, whose order is time order.
                SqlParam::Timestamp(t) => {
                    ToSqlOutput::Owned(Value::Text(SqlParam::timestamp_text(t).to_string()))
                }
            })
        }
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::SqlParam;
    use bytes::{BufMut, BytesMut};
    use postgres_types::{to_sql_checked, IsNull, ToSql, Type};
    use std::error::Error;

    type BindResult = Result<IsNull, Box<dyn Error + Sync + Send>>;

    /// PostgreSQL's timestamp epoch.
    fn pg_epoch() -> chrono::NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2000, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap_or_default()
    }

    fn mismatch(p: &SqlParam, ty: &Type) -> Box<dyn Error + Sync + Send> {
        format!(
            "a {} parameter cannot be bound to a placeholder of type {ty}",
            p.kind()
        )
        .into()
    }

    fn inexact(what: &str, ty: &Type) -> Box<dyn Error + Sync + Send> {
        format!("the {what} {ty} cannot hold this value exactly").into()
    }

    impl ToSql for SqlParam {
        fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> BindResult {
            match self {
                SqlParam::Null => Ok(IsNull::Yes),
                SqlParam::Bool(b) if *ty == Type::BOOL => b.to_sql(ty, out),
                SqlParam::Int(i) => match *ty {
                    Type::INT8 => i.to_sql(ty, out),
                    Type::INT4 => i32::try_from(*i)
                        .map_err(|_| inexact("integer", ty))?
                        .to_sql(ty, out),
                    Type::INT2 => i16::try_from(*i)
                        .map_err(|_| inexact("integer", ty))?
                        .to_sql(ty, out),
                    Type::FLOAT8 => {
                        let x = *i as f64;
                        if x as i128 != i128::from(*i) {
                            return Err(inexact("integer", ty));
                        }
                        x.to_sql(ty, out)
                    }
                    Type::FLOAT4 => {
                        let x = *i as f32;
                        if x as i128 != i128::from(*i) {
                            return Err(inexact("integer", ty));
                        }
                        x.to_sql(ty, out)
                    }
                    _ => Err(mismatch(self, ty)),
                },
                SqlParam::Float(x) => match *ty {
                    Type::FLOAT8 => x.to_sql(ty, out),
                    Type::FLOAT4 => {
                        let f = *x as f32;
                        if f64::from(f) != *x && !x.is_nan() {
                            return Err(inexact("number", ty));
                        }
                        f.to_sql(ty, out)
                    }
                    _ => Err(mismatch(self, ty)),
                },
                SqlParam::Text(t) if <&str as ToSql>::accepts(ty) => t.as_str().to_sql(ty, out),
                SqlParam::Timestamp(t) if *ty == Type::TIMESTAMP => {
                    let micros = (*t - pg_epoch())
                        .num_microseconds()
                        .ok_or("the timestamp is out of PostgreSQL's range")?;
                    out.put_i64(micros);
                    Ok(IsNull::No)
                }
                SqlParam::Json(t) => match *ty {
                    Type::JSONB => {
                        // jsonb's binary input is a version byte and the JSON text.
                        out.put_u8(1);
                        out.put_slice(t.as_bytes());
                        Ok(IsNull::No)
                    }
                    Type::JSON => {
                        out.put_slice(t.as_bytes());
                        Ok(IsNull::No)
                    }
                    _ if <&str as ToSql>::accepts(ty) => t.as_str().to_sql(ty, out),
                    _ => Err(mismatch(self, ty)),
                },
                _ => Err(mismatch(self, ty)),
            }
        }

        /// Every type some variant binds to; a variant meeting a type it does not bind
        /// to is an error from `to_sql`.
        fn accepts(ty: &Type) -> bool {
            matches!(
                *ty,
                Type::BOOL
                    | Type::INT8
                    | Type::INT4
                    | Type::INT2
                    | Type::FLOAT8
                    | Type::FLOAT4
                    | Type::TIMESTAMP
                    | Type::JSONB
                    | Type::JSON
            ) || <&str as ToSql>::accepts(ty)
        }

        to_sql_checked!();
    }
}

#[cfg(feature = "mysql")]
mod mysql {
    use super::SqlParam;
    use ::mysql::Value;
    use chrono::{Datelike, Timelike};

    /// Also gives `From<&SqlParam>` and `ToValue` (through `mysql`'s blanket impls), so
    /// a `Vec<SqlParam>` (or a reference to one) is a statement's `Params`.
    impl From<SqlParam> for Value {
        fn from(p: SqlParam) -> Value {
            match p {
                SqlParam::Null => Value::NULL,
                SqlParam::Bool(b) => Value::Int(i64::from(b)),
                SqlParam::Int(i) => Value::Int(i),
                SqlParam::Float(x) => Value::Double(x),
                SqlParam::Text(t) | SqlParam::Json(t) => Value::Bytes(t.into_bytes()),
                SqlParam::Timestamp(t) => {
                    let micros = t.nanosecond() / 1000;
                    match u16::try_from(t.year()) {
                        Ok(y) if micros < 1_000_000 => Value::Date(
                            y,
                            t.month() as u8,
                            t.day() as u8,
                            t.hour() as u8,
                            t.minute() as u8,
                            t.second() as u8,
                            micros,
                        ),
                        // A negative year or a leap second has no binary DATETIME; as
                        // text the server judges it like any other datetime text.
                        _ => Value::Bytes(SqlParam::timestamp_text(&t).to_string().into_bytes()),
                    }
                }
            }
        }
    }
}
