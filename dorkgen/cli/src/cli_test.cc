#include <gtest/gtest.h>

TEST(CliTest, Placeholder) {}
