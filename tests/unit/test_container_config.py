"""What an inspect adds to a container (ContainerConfig) and the doctor's key of a snapshot."""

from __future__ import annotations

from dataclasses import replace

from netui.engine.model import Container, ContainerConfig, env_hosts
from netui.ui.doctor_runner import doctor_key
from tests.synthetic import synthetic


def test_environment_keeps_only_the_hosts_it_names():
    env = ["DB_HOST=db", "API_URL=http://user:pw@backend:8080/v1", "DB_PASSWORD=hunter2", "KAFKA_BROKERS=k1:9092, k2:9092",
           "CACHE_ADDR=10.0.0.5:6379", "REDIS_URL=redis://cache.local:6379/0", "HOME=/root", "SERVER=", "junk"]
    assert env_hosts(env) == (("DB_HOST", "db"), ("API_URL", "backend"), ("KAFKA_BROKERS", "k1"), ("KAFKA_BROKERS", "k2"),
                              ("REDIS_URL", "cache.local"))
    assert env_hosts(None) == () and env_hosts("DB_HOST=x") == ()


def test_from_inspect_reads_bindings_links_dns_and_caps():
    cfg = ContainerConfig.from_inspect({
        "Config": {"Env": ["DB_HOST=db", "SECRET=x"]},
        "HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}, {"HostIp": "", "HostPort": ""}]},
                       "Links": ["/db:/web/database"], "Dns": ["198.18.0.53"], "ExtraHosts": ["h:198.18.0.9"],
                       "CapDrop": ["net_raw"], "CapAdd": None},
    })
    assert cfg.port_bindings == (("80/tcp", "127.0.0.1", 8080), ("80/tcp", "", None))
    assert cfg.links == (("db", "database"),) and cfg.dns == ("198.18.0.53",) and cfg.extra_hosts == ("h:198.18.0.9",)
    assert cfg.env_hosts == (("DB_HOST", "db"),) and cfg.net_raw is False
    assert ContainerConfig.from_inspect({}).net_raw is True and ContainerConfig.from_inspect("garbage") == ContainerConfig()


def test_mounts_come_from_the_list():
    c = Container.from_api({"Id": "x", "Names": ["/x"], "Mounts": [{"Destination": "/etc/resolv.conf"}, {"Destination": "/data"}, "junk"]})
    assert c.mounts == ("/data", "/etc/resolv.conf") and c.config is None


def test_the_doctor_key_ignores_status_text_and_time():
    s = synthetic(10, 50)
    later = replace(s, containers=tuple(replace(c, status="Up 7 minutes") for c in s.containers), taken_at=99.0)
    assert doctor_key(later) == doctor_key(s)
    moved = replace(s, containers=(replace(s.containers[0], state="exited"), *s.containers[1:]))
    assert doctor_key(moved) != doctor_key(s)
