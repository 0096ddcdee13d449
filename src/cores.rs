//! Work shared among the cores: a city's households cut into parts, or
//! items made a round at a time. No I/O; every layer may use it.

/// The cores there are, up to `most` (one when the system does not say).
pub(crate) fn cores(most: usize) -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(most).max(1))
}

/// The cores to share `n` items among: all (up to eight) for a city's
/// size, one below 65,536.
pub(crate) fn lanes(n: usize) -> usize {
    if n < 1 << 16 { 1 } else { cores(8) }
}

/// `work` over `0..n` cut into contiguous parts, one per core when `n` is
/// a city's size (one part below 65,536): the parts' results in order.
pub(crate) fn in_parts<T: Send>(
    n: usize,
    work: impl Fn(std::ops::Range<usize>) -> T + Sync,
) -> Vec<T> {
    in_n_parts(n, lanes(n), work)
}

/// `work` over `0..n` cut into `parts` contiguous parts, each on a thread
/// of its own but the first (one part: no thread at all).
pub(crate) fn in_n_parts<T: Send>(
    n: usize,
    parts: usize,
    work: impl Fn(std::ops::Range<usize>) -> T + Sync,
) -> Vec<T> {
    let lanes = parts.max(1);
    let part = n.div_ceil(lanes).max(1);
    let range = |k: usize| (k * part).min(n)..((k + 1) * part).min(n);
    if lanes == 1 {
        return vec![work(range(0))];
    }
    std::thread::scope(|s| {
        let work = &work;
        let handles: Vec<_> = (1..lanes)
            .map(|k| s.spawn(move || work(range(k))))
            .collect();
        let mut parts = vec![work(range(0))];
        parts.extend(
            handles
                .into_iter()
                .map(|h| h.join().expect("a part's thread")),
        );
        parts
    })
}

/// `make` of each of `items` on `lanes` cores, `each` items a core, a
/// round at a time, each result handed to `take` in the items' order: only
/// a round's results are held at once. `take`'s first error ends it.
pub(crate) fn in_rounds<T: Sync, R: Send, E>(
    items: &[T],
    lanes: usize,
    each: usize,
    make: impl Fn(&T) -> R + Sync,
    mut take: impl FnMut(&T, R) -> Result<(), E>,
) -> Result<(), E> {
    let each = each.max(1);
    for round in items.chunks(lanes.max(1) * each) {
        let made: Vec<R> = if round.len() <= each {
            round.iter().map(&make).collect()
        } else {
            std::thread::scope(|s| {
                let make = &make;
                let mut lots = round.chunks(each);
                let own = lots.next().unwrap_or_default();
                let handles: Vec<_> = lots
                    .map(|lot| s.spawn(move || lot.iter().map(make).collect::<Vec<R>>()))
                    .collect();
                let mut made: Vec<R> = own.iter().map(make).collect();
                for h in handles {
                    made.extend(h.join().expect("a round's thread"));
                }
                made
            })
        };
        for (item, r) in round.iter().zip(made) {
            take(item, r)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_are_taken_in_order_and_end_at_the_first_error() {
        for n in [0, 1, 3, 4, 5, 17, 64, 100] {
            let items: Vec<usize> = (0..n).collect();
            for (lanes, each) in [(1, 1), (2, 1), (2, 4), (3, 2), (8, 3)] {
                let mut taken = Vec::new();
                let done = in_rounds(
                    &items,
                    lanes,
                    each,
                    |&x| x * 2,
                    |&x, r| {
                        assert_eq!(r, x * 2);
                        taken.push(x);
                        Ok::<_, ()>(())
                    },
                );
                assert_eq!((done, &taken), (Ok(()), &items), "{n} {lanes} {each}");
                let mut taken = Vec::new();
                let stop = n / 2;
                let done = in_rounds(
                    &items,
                    lanes,
                    each,
                    |&x| x,
                    |&x, _| {
                        if x == stop {
                            return Err(x);
                        }
                        taken.push(x);
                        Ok(())
                    },
                );
                if n > 0 {
                    assert_eq!(done, Err(stop));
                    assert_eq!(taken, (0..stop).collect::<Vec<_>>());
                }
            }
        }
    }
}
