package output

import (
	"syscall"
	"unsafe"
)

// hugePage is the size of the pages pixels asks the kernel for.
const hugePage = 2 << 20

// pixels returns n zero bytes for a sheet's pixels and the function that
// gives them back once the sheet is encoded. A sheet of a few MB is
// memory the process touches for the first time, and a first touch costs
// a page fault per 4 KB page (3–15 µs each on a virtual machine): mapped
// apart from the heap and advised as transparent huge pages, the same
// bytes take a fault per 2 MB. Where the kernel declines, they are
// ordinary pages, as they would be from the heap.
func pixels(n int) ([]byte, func()) {
	if n < hugePage {
		return make([]byte, n), func() {}
	}
	size := (n + hugePage - 1) / hugePage * hugePage
	m, err := syscall.Mmap(-1, 0, size+hugePage, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return make([]byte, n), func() {}
	}
	off := 0 // to the first huge page boundary in m
	if r := int(uintptr(unsafe.Pointer(unsafe.SliceData(m))) % hugePage); r != 0 {
		off = hugePage - r
	}
	syscall.Madvise(m[off:off+size], syscall.MADV_HUGEPAGE) // an error leaves 4 KB pages
	return m[off : off+n : off+n], func() { syscall.Munmap(m) }
}
