// Package mem holds memory helpers for the few large arrays hardshell
// fills whole.
package mem

// MinSize is the size from which Prefault populates an array: smaller
// ones come from the allocator's size classes, mostly from pages already
// in use, and a madvise would cost more than the faults it saves.
const MinSize = 64 << 10
