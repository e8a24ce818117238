"""A TCP relay that holds every chunk DELAY_MS milliseconds in each direction: the
propagation delay of a long link, for benchmarks run where the kernel has no
`netem` qdisc (this machine's Firecracker kernel has tbf and htb, not netem).

Each connection to LISTEN_HOST:LISTEN_PORT is relayed to TARGET_HOST:TARGET_PORT;
a chunk read at t is written at t + delay, in order. A request then waits a full
round trip (2 x DELAY_MS) for its answer, as on a real link; TCP's windows and
slow start across the delay are not emulated (each side's TCP talks to the relay).

Usage: delay_relay.py LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS"""
import asyncio
import sys

listen_host, listen_port, target_host, target_port = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
delay = float(sys.argv[5]) / 1000


async def pipe(reader, writer):
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def send():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                writer.close()
                return
            writer.write(data)
            await writer.drain()

    sender = asyncio.create_task(send())
    try:
        while True:
            data = await reader.read(1 << 16)
            queue.put_nowait((loop.time() + delay, data))
            if not data:
                break
    except ConnectionError:
        queue.put_nowait((loop.time(), b""))
    await sender


async def relay(client_reader, client_writer):
    try:
        server_reader, server_writer = await asyncio.open_connection(target_host, target_port)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(pipe(client_reader, server_writer), pipe(server_reader, client_writer), return_exceptions=True)


async def main():
    server = await asyncio.start_server(relay, listen_host, listen_port, backlog=1024)
    async with server:
        await server.serve_forever()


asyncio.run(main())
