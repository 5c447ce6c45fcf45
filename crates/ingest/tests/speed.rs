//! CSV parse rate on generated dossiers. Ignored by default; run with
//! `cargo test -p chiso-ingest --release --test speed -- --ignored --nocapture`.

use std::time::Instant;

use chiso_ingest::{from_reader, Format, Item, RecordKind};

const HEADER: &str = "id,unit_code,procedure_code,channel,submitted_at,received_at,due_at,finished_at,\
returned_at,status,supplement_requests,supplement_requested_at,supplement_days,synced,fee_amount,paid_online,\
e_result,digitized,reused_data,vneid_verified,handler_named,personal_store_synced,citizen_data_used,rating,complaint";

fn generate(rows: usize) -> Vec<u8> {
    let mut out = String::with_capacity(rows * 260);
    out.push_str(HEADER);
    out.push('\n');
    for i in 0..rows {
        let d = 1 + i % 28;
        let ch = 1 + i % 3;
        let status = ["finished", "returned", "processing"][i % 3];
        let rating = ["satisfied", "", "neutral"][i % 3];
        out.push_str(&format!(
            "000.{u:02}.30.H53-2403{d:02}-{i:07},000.{u:02}.30.H53,1.00{p:04},{ch},2024-03-{d:02}T07:45:00+07:00,\
             2024-03-{d:02} 08:00:00,{d:02}/04/2024,2024-03-{d:02}T16:30:00+07:00,,{status},0,,0,1,50000,{po},1,1,0,1,1,0,1,\
             {rating},0\n",
            u = i % 97,
            p = i % 1500,
            po = i % 3,
        ));
    }
    out.into_bytes()
}

#[test]
#[ignore = "timing; run in release"]
fn csv_parse_rate() {
    let rows = 200_000;
    let data = generate(rows);
    let mut best = f64::MAX;
    for _ in 0..5 {
        let reader = from_reader(RecordKind::Dossiers, "speed.csv", Format::Csv, std::io::Cursor::new(data.clone()))
            .expect("readable");
        let start = Instant::now();
        let mut accepted = 0;
        for item in reader {
            match item {
                Item::Accepted { .. } => accepted += 1,
                Item::Rejected(r) => panic!("{r}"),
            }
        }
        let secs = start.elapsed().as_secs_f64();
        assert_eq!(accepted, rows);
        best = best.min(secs);
    }
    println!(
        "{rows} dossier rows, {} MB: best {:.1} ms = {:.0} rows/s, {:.0} MB/s",
        data.len() / 1_000_000,
        best * 1e3,
        rows as f64 / best,
        data.len() as f64 / best / 1e6
    );
}

#[test]
#[ignore = "timing; run in release"]
fn raw_csv_rate() {
    let rows = 200_000;
    let data = generate(rows);
    for _ in 0..3 {
        let start = Instant::now();
        let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_reader(&data[..]);
        let mut rec = csv::ByteRecord::new();
        let mut n = 0usize;
        while rdr.read_byte_record(&mut rec).unwrap() {
            n += rec.len();
        }
        let secs = start.elapsed().as_secs_f64();
        println!("raw csv: {:.1} ms, {n}", secs * 1e3);
        let start = Instant::now();
        let mut n = 0;
        for line in std::str::from_utf8(&data).unwrap().lines() {
            for f in line.split(',') {
                if let Some(p) = chiso_core::time::parse_instant(f) { n += p.instant.unix() as usize & 1; }
            }
        }
        println!("parse_instant on every cell: {:.1} ms {n}", start.elapsed().as_secs_f64() * 1e3);
    }
}
