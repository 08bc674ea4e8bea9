"""Rooms in the class's Redis (class mode): a key per part of a room, all expiring together; a
change is WATCH, read, change, MULTI, retried when another writer came between.

Each student's record is a key of its own (``student:<nickname>``): a submission watches only its
student's key, so 200 students submitting at once never make each other try again (one hash of all
students did, 4.6 times a submission under load). ``students`` maps each nickname to its token's
hash (who is in the room), ``tokens`` each token's hash to its nickname."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from playground.app.rooms.store import Change, RoomStore, record_of, text_of


class RedisRooms(RoomStore):
    """Rooms in the class's Redis: a key per part of a room, all expiring together."""

    def __init__(self, url: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.watch_error = redis.WatchError

    @staticmethod
    def key(code: str, part: str) -> str:
        return f"playground:room:{code}:{part}"

    def parts(self, code: str) -> list[str]:
        return [self.key(code, part) for part in ("meta", "problem", "students", "tokens", "rounds")]

    def create(self, code, meta, problem, keep_seconds):
        if not self.redis.set(self.key(code, "meta"), text_of(meta), nx=True, px=int(keep_seconds * 1000)):
            return False
        self.redis.set(self.key(code, "problem"), text_of(problem), px=int(keep_seconds * 1000))
        self.redis.zadd("playground:rooms", {code: time.time() + keep_seconds})
        return True

    def meta(self, code):
        return record_of(self.redis.get(self.key(code, "meta")))

    def problem(self, code):
        return record_of(self.redis.get(self.key(code, "problem")))

    def student_key(self, code: str, nickname: str) -> str:
        return self.key(code, f"student:{nickname}")

    def changing(self, key: str, change: Change, extra: Callable | None = None) -> dict | None:
        """WATCH, read, change, write in MULTI: retried when another writer came between."""
        with self.redis.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    old = record_of(pipe.get(key))
                    new = None if old is None else change(old)
                    if new is None:
                        pipe.unwatch()
                        return old
                    pipe.multi()
                    pipe.set(key, text_of(new), keepttl=True)
                    if extra:
                        extra(pipe)
                    pipe.execute()
                    return new
                except self.watch_error:
                    continue

    def update_meta(self, code, change, problem=None):
        extra = None
        if problem is not None:

            def extra(pipe):
                pipe.set(self.key(code, "problem"), text_of(problem), keepttl=True)

        return self.changing(self.key(code, "meta"), change, extra)

    def add_student(self, code, nickname, token_hash, record, seats):
        students = self.key(code, "students")
        if self.redis.hlen(students) >= seats:
            return "full"
        if not self.redis.hsetnx(students, nickname, token_hash):
            return "taken"
        pipe = self.redis.pipeline()
        pipe.set(self.student_key(code, nickname), text_of(record))
        pipe.hset(self.key(code, "tokens"), token_hash, nickname)
        self.expire_with_room(pipe, code, students, self.key(code, "tokens"), self.student_key(code, nickname))
        pipe.execute()
        return "ok"

    def expire_with_room(self, pipe, code: str, *keys: str) -> None:
        """New keys of a room expire when its meta does (``touch`` pushes them all back together)."""
        left = self.redis.pttl(self.key(code, "meta"))
        for key in keys:
            pipe.pexpire(key, max(int(left), 1000))

    def student_by_token(self, code, token_hash):
        nickname = self.redis.hget(self.key(code, "tokens"), token_hash)
        if nickname is None:
            return None
        return record_of(self.redis.get(self.student_key(code, nickname.decode())))

    def update_student(self, code, nickname, change):
        return self.changing(self.student_key(code, nickname), change)

    def remove_student(self, code, nickname):
        token_hash = self.redis.hget(self.key(code, "students"), nickname)
        if token_hash is None:
            return False
        pipe = self.redis.pipeline()
        pipe.hdel(self.key(code, "students"), nickname)
        pipe.hdel(self.key(code, "tokens"), token_hash)
        pipe.delete(self.student_key(code, nickname))
        for round_id in self.redis.smembers(self.key(code, "rounds")):
            pipe.hdel(self.key(code, f"entries:{int(round_id)}"), nickname)
            pipe.hdel(self.key(code, f"pictures:{int(round_id)}"), nickname)
        pipe.execute()
        return True

    def count_students(self, code):
        return self.redis.hlen(self.key(code, "students"))

    def put_entry(self, code, round_id, nickname, entry, picture):
        pipe = self.redis.pipeline()
        written = [self.key(code, "rounds"), self.key(code, f"entries:{round_id}")]
        pipe.sadd(written[0], round_id)
        pipe.hset(written[1], nickname, text_of(entry))
        if picture is not None:
            written.append(self.key(code, f"pictures:{round_id}"))
            pipe.hset(written[2], nickname, text_of(picture))
        self.expire_with_room(pipe, code, *written)
        pipe.execute()

    def entries(self, code, round_id):
        found = self.redis.hgetall(self.key(code, f"entries:{round_id}"))
        return {nickname.decode(): json.loads(entry) for nickname, entry in found.items()}

    def pictures(self, code, round_id):
        found = self.redis.hgetall(self.key(code, f"pictures:{round_id}"))
        return {nickname.decode(): json.loads(picture) for nickname, picture in found.items()}

    def count_rooms(self, now):
        self.redis.zremrangebyscore("playground:rooms", "-inf", now)
        return self.redis.zcard("playground:rooms")

    def touch(self, code, keep_seconds):
        milliseconds = int(keep_seconds * 1000)
        rounds = [
            self.key(code, f"{kind}:{int(r)}")
            for r in self.redis.smembers(self.key(code, "rounds"))
            for kind in ("entries", "pictures")
        ]
        students = [self.student_key(code, n.decode()) for n in self.redis.hkeys(self.key(code, "students"))]
        pipe = self.redis.pipeline()
        for key in self.parts(code) + rounds + students:
            pipe.pexpire(key, milliseconds)
        pipe.zadd("playground:rooms", {code: time.time() + keep_seconds})
        pipe.execute()
