package model

// Document is a parsed OpenClaw config: the root file plus every $include
// file, each kept losslessly, and the merged view used for reading.
type Document struct {
	Root  *Node   // merged view with $include resolved
	Files []*File // root first, then includes in resolution order
	root  *File
}

// File is one source file of a Document.
type File struct {
	Path string // absolute
	Data []byte // exact bytes as read
	tree *cst
}
