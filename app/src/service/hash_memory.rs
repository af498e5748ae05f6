//! argon2's working memory: 19 MiB for each hash under way. Mapped from the OS, one area per
//! hash running at once (the hasher's semaphore bounds them), reused while hashes keep
//! coming — a busy server doesn't fault in and zero 19 MiB of fresh pages per sign-in — and
//! unmapped once idle for [`IDLE`], so a burst's memory goes back to the OS when it ends
//! (freed to the allocator instead, it stayed resident on the blocking threads that had
//! hashed, asleep and never purging).

use argon2::Block;
use memmap2::MmapMut;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::time::{Duration, Instant};

/// How long an area stays mapped without a hash to run.
pub const IDLE: Duration = Duration::from_secs(1);

/// The areas not in use, each with when it was last given back.
pub struct WorkingMemory {
    blocks: usize,
    free: Mutex<Vec<(MmapMut, Instant)>>,
}

/// One hash's area, given back to the pool when dropped.
pub struct Lease {
    pool: Arc<WorkingMemory>,
    map: Option<MmapMut>,
}

impl WorkingMemory {
    /// A pool of areas of `blocks` argon2 blocks (1 KiB each).
    pub fn new(blocks: usize) -> Arc<WorkingMemory> {
        Arc::new(WorkingMemory {
            blocks,
            free: Mutex::new(Vec::new()),
        })
    }

    /// An area for one hash: the most recently used free one, or a new mapping (pages are
    /// only resident once written).
    pub fn lease(self: &Arc<Self>) -> std::io::Result<Lease> {
        let reused = self.lock().pop().map(|(map, _)| map);
        let map = match reused {
            Some(map) => map,
            None => MmapMut::map_anon(self.blocks * Block::SIZE)?,
        };
        Ok(Lease {
            pool: self.clone(),
            map: Some(map),
        })
    }

    /// Unmaps the areas idle for [`IDLE`] or longer. Returns how many are still mapped.
    pub fn release_idle(&self) -> usize {
        let now = Instant::now();
        let idle: Vec<MmapMut> = {
            let mut free = self.lock();
            let (keep, idle): (Vec<_>, Vec<_>) = free
                .drain(..)
                .partition(|(_, since)| now.duration_since(*since) < IDLE);
            *free = keep;
            idle.into_iter().map(|(map, _)| map).collect()
        };
        // Unmapped outside the lock.
        drop(idle);
        self.lock().len()
    }

    /// Areas mapped and not in use.
    #[cfg(test)]
    pub fn free_areas(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(MmapMut, Instant)>> {
        // The list stays consistent whatever a panicking holder was doing.
        self.free.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Lease {
    /// The area as argon2 blocks.
    pub fn blocks(&mut self) -> &mut [Block] {
        let Some(map) = self.map.as_mut() else {
            return &mut [];
        };
        let len = map.len() / Block::SIZE;
        // SAFETY: the mapping is page-aligned (Block needs 64) and `len` blocks long; a
        // Block is 128 u64s, for which every bit pattern (the zeroed pages included) is
        // valid; the slice borrows the mapping mutably for its whole life.
        unsafe { std::slice::from_raw_parts_mut(map.as_mut_ptr().cast::<Block>(), len) }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(map) = self.map.take() {
            self.pool.lock().push((map, Instant::now()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn areas_are_reused_while_busy_and_unmapped_once_idle() {
        let pool = WorkingMemory::new(64);
        let mut a = pool.lease().unwrap();
        let b = pool.lease().unwrap();
        assert_eq!(a.blocks().len(), 64);
        a.blocks()[63] = Block::new();
        let first = a.blocks().as_ptr();
        drop(a);
        assert_eq!(pool.free_areas(), 1);
        // The next hash gets the area just given back, not a new mapping.
        let mut again = pool.lease().unwrap();
        assert_eq!(again.blocks().as_ptr(), first);
        assert_eq!(pool.free_areas(), 0);
        drop(again);
        tokio::time::advance(IDLE / 2).await;
        drop(b);
        // One idle for half of IDLE, one just given back: both kept.
        assert_eq!(pool.release_idle(), 2);
        tokio::time::advance(IDLE / 2).await;
        // The first is now idle for IDLE: unmapped; the second stays.
        assert_eq!(pool.release_idle(), 1);
        tokio::time::advance(IDLE).await;
        assert_eq!(pool.release_idle(), 0);
    }
}
