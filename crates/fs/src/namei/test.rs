//! Path resolution against a small reference model (proptest): random trees
//! of directories, files and symlinks over the names a, b, c; random paths
//! with `.`, `..`, empty components and leading/trailing slashes.

extern crate std;

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use alloc::{format, vec};

use proptest::prelude::*;

use abi::Errno;

use crate::test_util::{new_root, root_resolver};

#[derive(Clone, Debug)]
enum Node {
    Dir,
    File,
    Link(String),
}

type Tree = BTreeMap<Vec<String>, Node>;

/// The reference resolver: absolute component lists, symlinks expanded by
/// re-parsing strings.
fn model_resolve(tree: &Tree, path: &str, follow: bool) -> Result<Vec<String>, Errno> {
    if path.is_empty() {
        return Err(Errno::ENOENT);
    }
    let mut links = 0;
    let mut must_dir = path.ends_with('/');
    let mut cur: Vec<String> = Vec::new();
    let mut todo: Vec<String> = path
        .split('/')
        .filter(|c| !c.is_empty())
        .rev()
        .map(String::from)
        .collect();
    while let Some(name) = todo.pop() {
        let last = todo.is_empty();
        if !matches!(tree.get(&cur), Some(Node::Dir)) {
            return Err(Errno::ENOTDIR);
        }
        match name.as_str() {
            "." => continue,
            ".." => {
                cur.pop();
                continue;
            }
            _ => {}
        }
        let mut next = cur.clone();
        next.push(name);
        match tree.get(&next) {
            None => return Err(Errno::ENOENT),
            Some(Node::Link(target)) if !last || follow || must_dir => {
                links += 1;
                if links > 40 {
                    return Err(Errno::ELOOP);
                }
                if last && target.ends_with('/') {
                    must_dir = true;
                }
                if target.starts_with('/') {
                    cur.clear();
                }
                todo.extend(
                    target
                        .split('/')
                        .filter(|c| !c.is_empty())
                        .rev()
                        .map(String::from),
                );
            }
            Some(_) => cur = next,
        }
    }
    if must_dir && !matches!(tree.get(&cur), Some(Node::Dir)) {
        return Err(Errno::ENOTDIR);
    }
    Ok(cur)
}

fn name() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "b", "c"]).prop_map(String::from)
}

fn component() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "b", "c", ".", "..", ""]).prop_map(String::from)
}

fn path() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        prop::collection::vec(component(), 1..6),
        any::<bool>(),
    )
        .prop_map(|(abs, comps, slash)| {
            let mut p = comps.join("/");
            if abs {
                p.insert(0, '/');
            }
            if slash {
                p.push('/');
            }
            p
        })
}

/// (parent path, name, what): 0 dir, 1 file, 2 symlink to the given target.
fn ops() -> impl Strategy<Value = Vec<(Vec<String>, String, u8, String)>> {
    prop::collection::vec(
        (prop::collection::vec(name(), 0..3), name(), 0u8..3, path()),
        1..25,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn resolution_matches_model(ops in ops(), queries in prop::collection::vec((path(), any::<bool>()), 1..20)) {
        let root = new_root();
        let r = root_resolver(&root);
        let mut tree = Tree::new();
        tree.insert(Vec::new(), Node::Dir);
        for (parent, name, kind, target) in ops {
            if !matches!(tree.get(&parent), Some(Node::Dir)) {
                continue;
            }
            let mut full = parent.clone();
            full.push(name);
            if tree.contains_key(&full) {
                continue;
            }
            let p = format!("/{}", full.join("/"));
            let node = match kind {
                0 => { r.mkdir(None, p.as_bytes(), 0o755).unwrap(); Node::Dir }
                1 => { r.open(None, p.as_bytes(), crate::OpenFlags::CREAT, 0o644).unwrap(); Node::File }
                _ if target.is_empty() => continue,
                _ => { r.symlink(target.as_bytes(), None, p.as_bytes()).unwrap(); Node::Link(target) }
            };
            tree.insert(full, node);
        }
        for (q, follow) in queries {
            let want = model_resolve(&tree, &q, follow);
            let got = r.lookup(None, q.as_bytes(), follow).map(|loc| loc.inode().ino());
            // The model's answer is a canonical path without symlinks before
            // its last component: look its inode up without following.
            let want = want.map(|comps| {
                let p = format!("/{}", comps.join("/"));
                r.lookup(None, p.as_bytes(), false).unwrap().inode().ino()
            });
            prop_assert_eq!(got, want, "path {:?} follow {}", q, follow);
        }
    }
}
