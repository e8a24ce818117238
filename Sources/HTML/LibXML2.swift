internal import CLibXML2
import Glibc

/// Frees a string libxml2 allocated for us (`xmlNodeGetContent`, `xmlGetProp`, ...).
///
/// libxml2's own `xmlFree` is a global function-pointer variable, which Swift 6 refuses to read
/// from concurrent code. Nothing in this process calls `xmlMemSetup`, so it is always glibc's
/// `free`, and we call that directly.
func releaseXML(_ pointer: UnsafeMutablePointer<xmlChar>) {
    free(pointer)
}
