//! Compile to SQL in every dialect, inline and parameterised: never a panic, and the
//! two modes agree on whether the query is expressible.
#![no_main]

mod common;

use filterql::target::sql::{compile_where, Dialect, Select, SqlOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(q) = common::text(data).and_then(common::compile) else {
        return;
    };
    for dialect in [Dialect::Mysql, Dialect::Postgres, Dialect::Sqlite] {
        let inline = compile_where(q.pred(), dialect, &SqlOptions { tz: q.tz(), params: false });
        let params = compile_where(q.pred(), dialect, &SqlOptions { tz: q.tz(), params: true });
        assert_eq!(inline.is_ok(), params.is_ok(), "modes agree ({dialect:?})");
        let _ = Select::new("t").render(q.pred(), dialect, &SqlOptions { tz: q.tz(), params: true });
    }
});
