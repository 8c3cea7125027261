//! Compile to SQL in every dialect, inline and parameterised: never a panic, the two
//! modes agree on whether the query is expressible, and the JSON text written directly
//! (`to_sql_where_json`, escaped as it is written) is the fragment's JSON.
#![no_main]

mod common;

use filterql::target::sql::{Dialect, SqlOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(q) = common::text(data).and_then(common::compile) else {
        return;
    };
    for dialect in [Dialect::Mysql, Dialect::Postgres, Dialect::Sqlite] {
        let opts = SqlOptions::new(dialect);
        let inline = q.to_sql_where(&opts);
        let params = q.to_sql_where(&opts.clone().params(true));
        assert_eq!(inline.is_ok(), params.is_ok(), "modes agree ({dialect:?})");
        for (o, frag) in [(opts.clone(), inline), (opts.clone().params(true), params)] {
            if let (Ok(json), Ok(frag)) = (q.to_sql_where_json(&o), frag) {
                assert_eq!(json, frag.to_json(), "direct JSON ({dialect:?})");
            }
        }
        let _ = q.to_sql(&opts.table("t").params(true).first_placeholder(3));
    }
});
