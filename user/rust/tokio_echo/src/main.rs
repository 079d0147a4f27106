//! A tokio multi-thread runtime on weft: 10,000 tasks that sleep on
//! timers and report through channels, and a Unix-socket echo server with
//! 64 concurrent clients. Prints "CHECKSUM <n>"; exits 0 only if it equals
//! the build host's (/usr/share/weft-tests/<name>.expect, absent on the
//! host), like the Go programs of the go test group.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::mpsc;

fn fail(what: &str) -> ! {
    println!("FAIL {what}");
    std::process::exit(1);
}

async fn timers_and_channels() -> u64 {
    let (tx, mut rx) = mpsc::channel::<u64>(1024);
    for i in 0..10_000u64 {
        let tx = tx.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(i % 50)).await;
            tx.send(i).await.ok();
        });
    }
    drop(tx);
    let (mut count, mut sum) = (0u64, 0u64);
    while let Some(v) = rx.recv().await {
        count += 1;
        sum += v;
    }
    if count != 10_000 {
        fail(&format!("{count} of 10000 tasks reported"));
    }
    sum
}

async fn echo_server() -> u64 {
    let dir = std::env::temp_dir().join(format!("weft-tokio-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| fail(&format!("mkdir: {e}")));
    let path = dir.join("echo.sock");
    let _ = std::fs::remove_file(&path);
    let listener = UnixListener::bind(&path).unwrap_or_else(|e| fail(&format!("bind: {e}")));
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else { return };
            tokio::spawn(async move {
                let mut buf = [0u8; 1024];
                loop {
                    match s.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            if s.write_all(&buf[..n]).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            });
        }
    });
    let mut clients = Vec::new();
    for c in 0..64u64 {
        let path = path.clone();
        clients.push(tokio::spawn(async move {
            let mut s = UnixStream::connect(&path).await.unwrap_or_else(|e| fail(&format!("connect: {e}")));
            let mut total = 0u64;
            for round in 0..20u64 {
                let msg = format!("client {c} round {round}");
                s.write_all(msg.as_bytes()).await.unwrap_or_else(|e| fail(&format!("write: {e}")));
                let mut back = vec![0u8; msg.len()];
                s.read_exact(&mut back).await.unwrap_or_else(|e| fail(&format!("read: {e}")));
                if back != msg.as_bytes() {
                    fail("echo differs");
                }
                total += back.len() as u64;
            }
            total
        }));
    }
    let mut sum = 0;
    for c in clients {
        sum += c.await.unwrap_or_else(|_| fail("client task"));
    }
    let _ = std::fs::remove_dir_all(&dir);
    sum
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().unwrap_or_else(|e| fail(&format!("runtime: {e}")));
    let sum = rt.block_on(async { timers_and_channels().await.wrapping_mul(31).wrapping_add(echo_server().await) });
    let line = format!("CHECKSUM {sum}");
    println!("{line}");
    let name = std::path::Path::new(&std::env::args().next().unwrap_or_default()).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if let Ok(want) = std::fs::read_to_string(format!("/usr/share/weft-tests/{name}.expect")) {
        if want.trim() != line {
            println!("FAIL checksum: got {line:?}, the host printed {:?}", want.trim());
            std::process::exit(1);
        }
    }
}
