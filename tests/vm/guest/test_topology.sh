#!/bin/sh
# Nodes, CPU-less nodes, classes per initiator, distances, HMAT (vm_check.c).
. /tests/lib.sh
vm_check topo
