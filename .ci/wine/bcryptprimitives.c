/*
 * A stand-in for Windows' bcryptprimitives.dll, which Wine 8.0 does not
 * ship. Go 1.22 and later get their random numbers from its ProcessPrng
 * at start-up and die with "bcryptprimitives.dll not found" without it.
 * ProcessPrng fills a buffer with cryptographically random bytes and
 * always succeeds; here it asks RtlGenRandom (advapi32's SystemFunction036),
 * which Wine implements, in pieces that fit its ULONG length.
 *
 * Built by setup.sh with mingw-w64 and copied into the Wine prefix's
 * system32. Only for running tests under Wine: real Windows has the DLL.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
	while (size > 0) {
		ULONG n = size > 0x10000000 ? 0x10000000 : (ULONG)size;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		size -= n;
	}
	return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
	(void)inst; (void)reason; (void)reserved;
	return TRUE;
}
