/*
 * seedpeer makes exactly the Win32 calls of the AutoHotkey FileMapping class
 * that shm started from (the seed), so that tests can check that Go's shm
 * and a native Windows program share one mapping:
 *
 *	hMapFile = OpenFileMapping(FILE_MAP_ALL_ACCESS, FALSE, name);
 *	if (!hMapFile)  // it does not exist: create it
 *		hMapFile = CreateFileMapping(INVALID_HANDLE_VALUE, NULL,
 *		                             PAGE_READWRITE, 0, 10000, name);
 *	pBuf = MapViewOfFile(hMapFile, FILE_MAP_ALL_ACCESS, 0, 0, 10000);
 *	... StrPut / StrGet at offsets ...
 *	UnmapViewOfFile(pBuf); CloseHandle(hMapFile);
 *
 * Usage: seedpeer NAME (the seed's default is Local\MySharedData). It says
 * "created" or "opened", then obeys one command per line on stdin:
 *
 *	write OFF   StrPut(TEXT, pBuf+OFF, BUF_SIZE-OFF): TEXT and its NUL
 *	            as UTF-16, truncated to fit like StrPut's length argument
 *	read OFF    StrGet(pBuf+OFF): prints "read" and the UTF-16 code units
 *	            up to the NUL (or the end of the view) in hex
 *	close       UnmapViewOfFile + CloseHandle, like FileMapping.Close
 *	probe       OpenFileMapping again: prints "present" or "gone"
 *
 * and answers each with a line. TEXT is below; tests know it.
 *
 * Build: x86_64-w64-mingw32-gcc -municode -O2 -o seedpeer.exe seedpeer.c
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define BUF_SIZE 10000 /* the seed's dwSize default */

/* What "write" stores: ASCII, Latin-1, and a rune outside the BMP (a
 * surrogate pair in UTF-16), as an AutoHotkey script could. */
static const wchar_t TEXT[] = L"Hello from C via the seed's calls: \u00fcn\u00efc\u00f6d\u00e9 \xD834\xDD1E";

int wmain(int argc, wchar_t **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: seedpeer NAME\n");
		return 2;
	}
	const wchar_t *name = argv[1];
	HANDLE hMapFile = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, name);
	int created = 0;
	if (!hMapFile) {
		hMapFile = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, BUF_SIZE, name);
		if (!hMapFile) {
			printf("error CreateFileMapping %lu\n", GetLastError());
			return 1;
		}
		created = 1;
	}
	unsigned char *pBuf = MapViewOfFile(hMapFile, FILE_MAP_ALL_ACCESS, 0, 0, BUF_SIZE);
	if (!pBuf) {
		printf("error MapViewOfFile %lu\n", GetLastError());
		return 1;
	}
	printf("%s\n", created ? "created" : "opened");
	fflush(stdout);

	char line[256];
	while (fgets(line, sizeof line, stdin)) {
		long off = 0;
		if (sscanf(line, "write %ld", &off) == 1) {
			if (!pBuf || off < 0 || off > BUF_SIZE) {
				printf("error write %ld\n", off);
			} else {
				/* StrPut(s, p, n) writes at most n characters, the
				 * terminator included. */
				size_t room = (BUF_SIZE - off) / sizeof(wchar_t);
				size_t n = wcslen(TEXT) + 1;
				if (n > room)
					n = room;
				memcpy(pBuf + off, TEXT, n * sizeof(wchar_t));
				if (n > 0)
					((wchar_t *)(pBuf + off))[n - 1] = 0;
				printf("wrote %zu\n", n);
			}
		} else if (sscanf(line, "read %ld", &off) == 1) {
			if (!pBuf || off < 0 || off > BUF_SIZE) {
				printf("error read %ld\n", off);
			} else {
				/* StrGet(p): code units up to the NUL. */
				printf("read");
				for (long i = off; i + 1 < BUF_SIZE; i += 2) {
					unsigned u = pBuf[i] | pBuf[i + 1] << 8;
					if (u == 0)
						break;
					printf(" %04x", u);
				}
				printf("\n");
			}
		} else if (strncmp(line, "close", 5) == 0) {
			BOOL ok = TRUE;
			if (pBuf)
				ok = UnmapViewOfFile(pBuf) && CloseHandle(hMapFile);
			pBuf = NULL;
			hMapFile = NULL;
			printf(ok ? "closed\n" : "error close %lu\n", GetLastError());
		} else if (strncmp(line, "probe", 5) == 0) {
			HANDLE h = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, name);
			if (h) {
				CloseHandle(h);
				printf("present\n");
			} else {
				printf("gone %lu\n", GetLastError());
			}
		} else {
			printf("error unknown command\n");
		}
		fflush(stdout);
	}
	return 0;
}
