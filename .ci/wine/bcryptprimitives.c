/* ProcessPrng, the one export of bcryptprimitives.dll that Rust's standard
 * library calls for random bytes (HashMap keys, temporary names). Windows 10
 * and later ship the DLL; Wine 8 does not, so a Rust program dies at start-up
 * there. This stand-in is used only to run the tests under Wine (see
 * .ci/windows-tests); rounds.exe on a real Windows PC uses the system's DLL.
 *
 *     x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll \
 *         bcryptprimitives.c bcryptprimitives.def -ladvapi32
 */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    /* RtlGenRandom (advapi32's SystemFunction036) takes at most a ULONG. */
    while (len > 0) {
        ULONG n = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!RtlGenRandom(data, n))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
