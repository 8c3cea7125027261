//! Property tests of the jdy backend against the reference evaluator, with jdy simulated
//! (tests/jdy_sim) under both readings of `ne`/`nin` on empty values.

mod jdy_sim;
mod support;

use filterql::eval::matches;
use filterql::normalize::normalize;
use filterql::target::jdy::{self, JdyOptions};
use jdy_sim::{jdy_sim, sim_opt, NeMode, NE_MODES};
use proptest::prelude::*;
use support::{arb_pred, arb_record, tz};

fn opts() -> JdyOptions {
    JdyOptions::new(tz())
}

/// Decompiles `f` against the test schema. Only an inverted (empty) range is refused,
/// and only where it makes the whole filter match nothing, which is then checked.
fn decompiled(
    f: &jdy::JdyFilter,
    records: &[serde_json::Value],
) -> Result<Option<filterql::syntax::ast::Expr>, TestCaseError> {
    match jdy::decompile(f, Some(&support::schema())) {
        Ok(e) => Ok(Some(e)),
        Err(errs) => {
            for e in &errs {
                let inverted_range = match e {
                    jdy::DecompileError::MatchesNothing => true,
                    jdy::DecompileError::Condition { method, .. } => method == "range",
                    _ => false,
                };
                prop_assert!(inverted_range, "{:?} does not decompile: {:?}", f, errs);
            }
            for r in records {
                for mode in NE_MODES {
                    prop_assert!(!jdy_sim(f, r, mode, tz()), "{:?} matches {}", f, r);
                }
            }
            Ok(None)
        }
    }
}

/// `f` decompiled (see [`decompiled`]) and the text compiled again matches on `records`
/// what jdy does with `f`, `ne`/`nin` excluding empty values (the reading decompile
/// documents).
fn decompiled_means_the_same(
    f: &jdy::JdyFilter,
    records: &[serde_json::Value],
) -> Result<(), TestCaseError> {
    let Some(e) = decompiled(f, records)? else {
        return Ok(());
    };
    let text = e.to_string();
    let clock = chrono::DateTime::parse_from_rfc3339("2024-05-01T12:00:00+08:00").unwrap();
    let back = filterql::compile(&text, &support::schema(), &filterql::Options::at(clock))
        .unwrap_or_else(|d| panic!("`{text}` does not compile: {}", d.render(80, false)));
    for r in records {
        prop_assert_eq!(
            matches(back.pred(), r),
            jdy_sim(f, r, NeMode::ExcludesEmpty, tz()),
            "filter {:?}\ntext {}\nrecord {}",
            f,
            text,
            r
        );
    }
    Ok(())
}

proptest! {
    /// eval(q, r) == jdy(filter, r) && eval(residual, r), on normalized and raw trees.
    #[test]
    fn pushdown_keeps_the_meaning(p in arb_pred(), records in prop::collection::vec(arb_record(), 1..8)) {
        let n = normalize(p.clone());
        for q in [&p, &n] {
            let pd = jdy::pushdown(q, &opts());
            for r in &records {
                let want = matches(q, r);
                let residual = pd.matches(r);
                for mode in NE_MODES {
                    prop_assert_eq!(
                        sim_opt(pd.filter(), r, mode, tz()) && residual,
                        want,
                        "query {:?}\nfilter {:?}\nresidual {:?}\nrecord {}\n{:?}",
                        q, pd.filter(), pd.residual(), r, mode
                    );
                }
            }
        }
    }

    /// The same on trees with `True`/`False` and empty groups (never from the checker,
    /// but the backend must not mishandle them): strict output is exact, pushdown keeps
    /// the invariant.
    #[test]
    fn constants_are_folded_exactly(p in support::arb_pred_with_constants(), records in prop::collection::vec(arb_record(), 1..6)) {
        let pd = jdy::pushdown(&p, &opts());
        let strict = jdy::compile(&p, &opts());
        for r in &records {
            let want = matches(&p, r);
            let residual = pd.matches(r);
            for mode in NE_MODES {
                prop_assert_eq!(sim_opt(pd.filter(), r, mode, tz()) && residual, want);
                if let Ok(f) = &strict {
                    prop_assert_eq!(jdy_sim(f, r, mode, tz()), want);
                }
            }
        }
    }

    /// When strict compilation succeeds, jdy returns exactly the matching records,
    /// whichever way jdy reads `ne`/`nin` on empty values.
    #[test]
    fn strict_output_is_exact(p in arb_pred(), records in prop::collection::vec(arb_record(), 1..8)) {
        let n = normalize(p.clone());
        for q in [&p, &n] {
            if let Ok(f) = jdy::compile(q, &opts()) {
                for r in &records {
                    for mode in NE_MODES {
                        prop_assert_eq!(
                            jdy_sim(&f, r, mode, tz()),
                            matches(q, r),
                            "query {:?}\nfilter {:?}\nrecord {}\n{:?}", q, f, r, mode
                        );
                    }
                }
            }
        }
    }

    /// Pushdown is never worse than strict mode: whatever strict mode compiles, pushdown
    /// pushes whole, with no residual.
    #[test]
    fn strict_success_means_no_residual(p in arb_pred()) {
        let n = normalize(p);
        if jdy::compile(&n, &opts()).is_ok() {
            let pd = jdy::pushdown(&n, &opts());
            prop_assert!(pd.filter().is_some());
            prop_assert!(pd.is_exact());
        }
    }

    /// Decompiling a compiled filter and compiling the text again gives the filter's
    /// meaning (with `ne` read as "not empty and different", the reading decompile
    /// documents).
    #[test]
    fn decompile_round_trips(p in arb_pred(), records in prop::collection::vec(arb_record(), 1..8)) {
        let n = normalize(p);
        if let Ok(f) = jdy::compile(&n, &opts()) {
            decompiled_means_the_same(&f, &records)?;
        }
    }
}

/// A value of a jdy condition on a field of type `ty`, in every form jdy accepts
/// (datetimes as ISO with offset, bare dates and epoch ms).
fn arb_value(path: &str, ty: filterql::FieldType, like: bool) -> BoxedStrategy<serde_json::Value> {
    use filterql::ir::Scalar;
    use filterql::FieldType::*;
    use serde_json::json;
    if like {
        return prop::sample::select(support::NEEDLES)
            .prop_map(|s| json!(s))
            .boxed();
    }
    match ty {
        Datetime => prop_oneof![
            prop::sample::select(support::instants()).prop_map(|ms| json!(ms)),
            prop::sample::select(support::instants()).prop_map(|ms| {
                let t = chrono::DateTime::from_timestamp_millis(ms).unwrap();
                json!(t
                    .with_timezone(&tz())
                    .format("%Y-%m-%dT%H:%M:%S%.3f%:z")
                    .to_string())
            }),
            prop::sample::select(&["2021-12-31", "2022-01-01", "2022-01-02"][..])
                .prop_map(|s| json!(s)),
        ]
        .boxed(),
        _ => support::arb_test(path, ty)
            .prop_filter_map("a test with a value", |t| match t {
                filterql::ir::Test::Eq(s) => Some(s),
                filterql::ir::Test::In(v) | filterql::ir::Test::HasAny(v) => v.into_iter().next(),
                _ => None,
            })
            .prop_map(|s| match s {
                Scalar::Text(t) => json!(t),
                Scalar::Number(n) => json!(n),
                Scalar::DateTime(ms) => json!(ms),
                Scalar::Bool(b) => json!(b),
            })
            .boxed(),
    }
}

/// Any condition jdy accepts on a top-level field of the test schema.
fn arb_cond() -> BoxedStrategy<jdy::JdyCond> {
    use jdy::Method::*;
    let fields: Vec<_> = support::schema().into_fields();
    prop::sample::select(fields)
        .prop_flat_map(|f| {
            let methods = jdy::methods(f.ty).to_vec();
            (Just(f), prop::sample::select(methods))
        })
        .prop_flat_map(|(f, m)| {
            let one = arb_value(&f.name, f.ty, m == Like);
            let values: BoxedStrategy<Option<Vec<serde_json::Value>>> = match m {
                Empty | NotEmpty | Verified | Unverified => Just(None).boxed(),
                Eq | Ne | Gt | Lt | Like => one.prop_map(|v| Some(vec![v])).boxed(),
                In | Nin | All => prop::collection::vec(one, 1..4).prop_map(Some).boxed(),
                Range => (prop::option::of(one.clone()), prop::option::of(one))
                    .prop_filter("one end", |(a, b)| a.is_some() || b.is_some())
                    .prop_map(|(a, b)| Some(vec![a.unwrap_or_default(), b.unwrap_or_default()]))
                    .boxed(),
            };
            let ty = jdy::default_type(f.ty).map(str::to_owned);
            values.prop_map(move |value| jdy::JdyCond {
                field: f.name.clone(),
                ty: ty.clone(),
                method: m,
                value,
            })
        })
        .boxed()
}

fn arb_filter() -> BoxedStrategy<jdy::JdyFilter> {
    (
        prop::sample::select(&[jdy::Rel::And, jdy::Rel::Or][..]),
        prop::collection::vec(arb_cond(), 1..5),
    )
        .prop_map(|(rel, cond)| jdy::JdyFilter { rel, cond })
        .boxed()
}

proptest! {
    /// Any filter jdy accepts, read back into text and compiled, means what jdy does
    /// (with `ne`/`nin` excluding empty values, the reading decompile documents).
    #[test]
    fn decompile_keeps_the_meaning(f in arb_filter(), records in prop::collection::vec(arb_record(), 1..8)) {
        decompiled_means_the_same(&f, &records)?;
    }
}

/// A condition built from anything jdy's JSON could hold, valid or not: fields the
/// schema lacks, wrong `type`s, empty strings, values that are not options or flow
/// states, wrong arities and shapes.
fn arb_any_cond() -> BoxedStrategy<jdy::JdyCond> {
    use jdy::Method::*;
    use serde_json::json;
    // Each field with the methods and the jdy type its schema type has.
    let mut fields: Vec<(String, Vec<jdy::Method>, Option<&'static str>)> = support::schema()
        .fields()
        .iter()
        .map(|f| {
            (
                f.name.clone(),
                jdy::methods(f.ty).to_vec(),
                jdy::default_type(f.ty),
            )
        })
        .collect();
    fields.extend([
        ("nosuch".to_owned(), vec![Eq, In, Empty], Some("text")),
        ("状态".to_owned(), vec![Eq, In], Some("radiogroup")),
    ]);
    let names: Vec<String> = fields.iter().map(|f| f.0.clone()).collect();
    let any_type = prop::option::of(prop::sample::select(
        &[
            "text",
            "number",
            "datetime",
            "flowstate",
            "radiogroup",
            "combocheck",
            "user",
            "dept",
            "phone",
            "sn",
            "dataid",
            "usergroup",
            "deptgroup",
            "subform",
            "weird",
        ][..],
    ));
    let any_method = prop::sample::select(
        &[
            Eq, Ne, In, Nin, Range, Gt, Lt, Like, Verified, Unverified, All, Empty, NotEmpty,
        ][..],
    );
    let value = prop_oneof![
        prop::sample::select(
            &[
                "",
                "a",
                "zzz",
                "open",
                "hold",
                "red",
                "alice",
                "SN-1",
                "中文",
                "139",
                "2022-01-01",
                "2022-01-01T08:00:00Z",
                "2022-01-01T08:00:00.000+08:00",
                "进行中",
                "5f0000000000000000000001",
            ][..]
        )
        .prop_map(|s| json!(s)),
        prop::sample::select(&[0.0, 1.0, 2.0, 3.0, 7.0, 1.5, -1.0, -0.0, 1e300][..])
            .prop_map(|n| json!(n)),
        Just(json!(1640966400000_i64)),
        Just(json!(null)),
        Just(json!(true)),
    ]
    .boxed();
    // Mostly a method the field's type has, with as many values as it takes and the
    // field's own jdy type, so that enough conditions get past the shape checks to reach
    // the value checks.
    let v = value.clone();
    let shaped = (
        prop::sample::select(fields),
        any::<prop::sample::Index>(),
        any_type.clone(),
        any::<bool>(),
    )
        .prop_flat_map(move |((field, methods, own), pick, other, keep)| {
            let method = methods[pick.index(methods.len())];
            let values = match method {
                Empty | NotEmpty | Verified | Unverified => Just(None).boxed(),
                Eq | Ne | Gt | Lt | Like => v.clone().prop_map(|v| Some(vec![v])).boxed(),
                Range => (v.clone(), v.clone())
                    .prop_map(|(a, b)| Some(vec![a, b]))
                    .boxed(),
                In | Nin | All => prop::collection::vec(v.clone(), 1..4)
                    .prop_map(Some)
                    .boxed(),
            };
            let ty = if keep { own } else { other };
            (Just(field), Just(method), values, Just(ty))
        });
    let anything = (
        prop::sample::select(names),
        any_method,
        prop::option::of(prop::collection::vec(value, 0..4)),
        any_type,
    );
    prop_oneof![3 => shaped, 1 => anything]
        .prop_map(|(field, method, value, ty)| jdy::JdyCond {
            field,
            ty: ty.map(str::to_owned),
            method,
            value,
        })
        .boxed()
}

proptest! {
    /// Whatever the filter holds, decompile either refuses it or prints text the checker
    /// accepts, with the schema and without one (no-schema mode, as `filterql check
    /// --no-schema` reads it).
    #[test]
    fn decompiled_text_always_compiles(
        rel in prop::sample::select(&[jdy::Rel::And, jdy::Rel::Or][..]),
        cond in prop::collection::vec(arb_any_cond(), 1..4),
    ) {
        let f = jdy::JdyFilter { rel, cond };
        let clock = chrono::DateTime::parse_from_rfc3339("2024-05-01T12:00:00+08:00").unwrap();
        let opts = filterql::Options::at(clock);
        for schema in [Some(support::schema()), None] {
            if let Ok(e) = jdy::decompile(&f, schema.as_ref()) {
                let text = e.to_string();
                let against = schema.clone().unwrap_or_else(filterql::Schema::none);
                let compiled = filterql::compile(&text, &against, &opts);
                prop_assert!(
                    compiled.is_ok(),
                    "{:?} decompiles to `{}`, which does not compile:\n{}",
                    f, text, compiled.err().map(|d| d.render(80, false)).unwrap_or_default()
                );
            }
        }
    }
}

/// Whether every condition of `f` uses a method of the seed table for its field.
fn within_seed(f: &jdy::JdyFilter) -> bool {
    f.cond.iter().all(|c| {
        let field = support::field_ref(&c.field);
        jdy::methods_for(&field, jdy::JdyMethods::Seed).contains(&c.method)
    })
}

fn seed() -> JdyOptions {
    opts().with_methods(jdy::JdyMethods::Seed)
}

proptest! {
    /// With the seed method table, strict output uses only the seed's methods and is
    /// still exact.
    #[test]
    fn seed_strict_output_is_exact_and_within_the_table(p in arb_pred(), records in prop::collection::vec(arb_record(), 1..8)) {
        let n = normalize(p.clone());
        for q in [&p, &n] {
            if let Ok(f) = jdy::compile(q, &seed()) {
                prop_assert!(within_seed(&f), "{:?}", f);
                prop_assert_eq!(jdy::to_json(q, &seed()).ok(), Some(serde_json::to_string(&f).unwrap()));
                for r in &records {
                    for mode in NE_MODES {
                        prop_assert_eq!(jdy_sim(&f, r, mode, tz()), matches(q, r), "query {:?}\nfilter {:?}\nrecord {}", q, f, r);
                    }
                }
            }
        }
    }

    /// With the seed method table, pushdown keeps the meaning and sends only seed
    /// methods; whatever the seed compiles strictly, the extended table does too.
    #[test]
    fn seed_pushdown_keeps_the_meaning(p in arb_pred(), records in prop::collection::vec(arb_record(), 1..8)) {
        let n = normalize(p);
        let pd = jdy::pushdown(&n, &seed());
        if let Some(f) = pd.filter() {
            prop_assert!(within_seed(f), "{:?}", f);
        }
        for r in &records {
            for mode in NE_MODES {
                prop_assert_eq!(sim_opt(pd.filter(), r, mode, tz()) && pd.matches(r), matches(&n, r));
            }
        }
        if jdy::compile(&n, &seed()).is_ok() {
            prop_assert!(jdy::compile(&n, &opts()).is_ok());
        }
    }

    /// The plan's own JSON writer is serde_json's text of the plan, and its filter text
    /// reads back into the filter; when strict compilation succeeds, pushdown sends the
    /// same filter with nothing left over.
    #[test]
    fn plan_json_is_serde_json(p in support::arb_pred_with_constants()) {
        for q in [p.clone(), normalize(p)] {
            let pd = jdy::pushdown(&q, &opts());
            prop_assert_eq!(pd.to_json(), serde_json::to_string(&pd).unwrap());
            if let Some(f) = pd.filter() {
                let text = serde_json::to_string(f).unwrap();
                prop_assert_eq!(pd.filter_json(), Some(text.as_str()));
            }
            if let Ok(strict) = jdy::to_json(&q, &opts()) {
                prop_assert_eq!(pd.filter_json(), Some(strict.as_str()));
                prop_assert!(pd.is_exact());
            }
            prop_assert!(!(pd.is_unsatisfiable() && pd.is_tautology()));
        }
    }

    /// A residual lists exactly the record keys its predicate reads, and its text
    /// compiles back to its meaning.
    #[test]
    fn residual_fields_and_text(p in arb_pred(), records in prop::collection::vec(arb_record(), 1..6)) {
        let n = normalize(p);
        let pd = jdy::pushdown(&n, &opts());
        let Some(res) = pd.residual() else { return Ok(()) };
        let fields = res.fields();
        let mut sorted = fields.clone();
        sorted.sort_unstable();
        sorted.dedup();
        prop_assert_eq!(sorted.len(), fields.len(), "duplicates in {:?}", fields);
        // Blanking a field the residual does not read changes nothing.
        for r in &records {
            let mut blanked = r.clone();
            if let Some(obj) = blanked.as_object_mut() {
                obj.retain(|k, _| fields.contains(&k.as_str()));
            }
            prop_assert_eq!(res.matches(&blanked), res.matches(r), "{:?} reads more than {:?}", res, fields);
        }
        if pd.is_unsatisfiable() {
            return Ok(());
        }
        let q = filterql::compile(res.as_str(), &support::schema(), &filterql::Options::at("2022-06-15T12:00:00+08:00".parse().unwrap()))
            .map_err(|d| TestCaseError::fail(format!("{}\n{}", res, d.render(80, false))))?;
        for r in &records {
            prop_assert_eq!(q.matches(r), res.matches(r), "{}", res);
        }
    }
}

/// `p` with every text operand replaced, in turn, by one of `texts` (quotes,
/// backslashes, control and non-plain characters: the residual's text then takes the
/// slow, escaped paths).
fn with_texts(p: &filterql::ir::Pred, texts: &[String], next: &mut usize) -> filterql::ir::Pred {
    use filterql::ir::{Pred, Scalar, Test};
    let mut take = || {
        *next += 1;
        texts[*next % texts.len()].as_str().into()
    };
    let mut scalar = |s: &Scalar| match s {
        Scalar::Text(_) => Scalar::Text(take()),
        s => s.clone(),
    };
    match p {
        Pred::Leaf(l) => {
            let mut l = l.clone();
            l.test = match &l.test {
                Test::Eq(v) => Test::Eq(scalar(v)),
                Test::In(vs) => Test::In(vs.iter().map(&mut scalar).collect()),
                Test::Text(op, _) => Test::Text(*op, take()),
                t => t.clone(),
            };
            Pred::Leaf(l)
        }
        Pred::And(cs) => Pred::And(cs.iter().map(|c| with_texts(c, texts, next)).collect()),
        Pred::Or(cs) => Pred::Or(cs.iter().map(|c| with_texts(c, texts, next)).collect()),
        Pred::Not(c) => Pred::Not(Box::new(with_texts(c, texts, next))),
        p => p.clone(),
    }
}

proptest! {
    /// The plan's JSON, written in one pass with the residual's text escaped as it is
    /// written, is byte for byte serde_json's text of the plan (whose residual is the
    /// text written on its own, then escaped by serde_json), with hostile text operands.
    #[test]
    fn plan_json_escapes_hostile_text(
        p in arb_pred(),
        texts in prop::collection::vec("[a\"\\\\\u{0}-\u{1f}\u{7f}中 é%_]{0,6}", 1..6),
    ) {
        let p = with_texts(&p, &texts, &mut 0);
        for q in [p.clone(), normalize(p)] {
            for o in [opts(), seed()] {
                let pd = jdy::pushdown(&q, &o);
                prop_assert_eq!(pd.to_json(), serde_json::to_string(&pd).unwrap());
                if let Some(r) = pd.residual() {
                    prop_assert_eq!(r.as_str(), r.to_string());
                }
            }
        }
    }
}
