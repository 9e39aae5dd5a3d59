#include "dorkgen/cli.h"

int main(int argc, char** argv) { return dorkgen::run_cli(argc, argv); }
