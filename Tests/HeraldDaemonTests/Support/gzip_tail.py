"""Reads Herald's live tail as a gzip client would, with Python's own zlib rather than Herald's code.

Usage: gzip_tail.py URL KEY. Prints the decompressed stream, then one line
`#END content-encoding=<value> eof=<True|False> unused=<bytes>`: eof is True only when the gzip
trailer's CRC-32 and length matched what was decompressed (zlib checks both)."""
import sys
import urllib.parse
import http.client
import zlib

url, key = sys.argv[1], sys.argv[2]
parts = urllib.parse.urlsplit(url)
connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
connection.request("GET", parts.path + ("?" + parts.query if parts.query else ""),
                   headers={"Authorization": "Bearer " + key, "Accept-Encoding": "br;q=0, gzip"})
response = connection.getresponse()
sys.stdout.write("#STATUS %d\n" % response.status)
sys.stdout.flush()
inflater = zlib.decompressobj(31)
try:
    while True:
        chunk = response.read1(65536)
        if not chunk:
            break
        sys.stdout.write(inflater.decompress(chunk).decode("utf-8"))
        sys.stdout.flush()
    sys.stdout.write(inflater.flush().decode("utf-8"))
except zlib.error as error:
    sys.stdout.write("\n#ERROR %s\n" % error)
sys.stdout.write("\n#END content-encoding=%s eof=%s unused=%d\n"
                 % (response.getheader("Content-Encoding"), inflater.eof, len(inflater.unused_data)))
